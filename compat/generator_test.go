package compat_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/goasyncio/asyncio/compat"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// label is a result type distinct from the int the chain passes down, so
// that the test shows mixed types coming back typed.
type label struct{ text string }

// bottomGen is the generator at the bottom of the chain: it yields from a
// task the loop runs separately (a pending future), then returns.
func bottomGen(explode bool) future.Coroutine[int] {
	return compat.Generator(func(y *compat.Yield) (int, error) {
		l, err := loop.GetRunningLoop(y.Context())
		if err != nil {
			return 0, err
		}
		pending := loop.CreateTask(l, func(ctx context.Context) (int, error) {
			if err := loop.Sleep(ctx, 0); err != nil {
				return 0, err
			}
			return 1, nil
		})
		v, err := compat.YieldFrom(y, pending)
		if err != nil {
			return 0, err
		}
		if explode {
			panic("bottom exploded")
		}
		return v, nil
	})
}

// nativeOver is a native coroutine that awaits c and adds 10.
func nativeOver(c future.Coroutine[int]) future.Coroutine[int] {
	return func(ctx context.Context) (int, error) {
		v, err := future.Await(ctx, c)
		return v + 10, err
	}
}

// genOver is a generator that yields from c, adds 100, and also yields from
// a coroutine of another type.
func genOver(c future.Coroutine[int]) future.Coroutine[int] {
	return compat.Generator(func(y *compat.Yield) (int, error) {
		v, err := compat.YieldFrom(y, c)
		if err != nil {
			return 0, err
		}
		l, err := compat.YieldFrom(y, future.Coroutine[label](func(context.Context) (label, error) {
			return label{strconv.Itoa(v)}, nil
		}))
		if err != nil {
			return 0, err
		}
		n, _ := strconv.Atoi(l.text)
		return n + 100, nil
	})
}

// chain nests native -> generator three times each way.
func chain(explode bool) future.Coroutine[int] {
	return nativeOver(genOver(nativeOver(genOver(nativeOver(genOver(bottomGen(explode)))))))
}

func TestGeneratorNesting(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		t.Run("three deep both ways returns the typed value", func(t *testing.T) {
			got, err := loop.RunUntilComplete(context.Background(), l, chain(false))
			if err != nil {
				t.Fatal(err)
			}
			if want := 1 + 3*110; got != want {
				t.Errorf("got %d, want %d", got, want)
			}
		})
		t.Run("a panic at the bottom surfaces at the top with its stack", func(t *testing.T) {
			_, err := loop.RunUntilComplete(context.Background(), l, chain(true))
			var pe *future.PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *future.PanicError", err)
			}
			if pe.Value != "bottom exploded" {
				t.Errorf("panic value %v", pe.Value)
			}
			if !strings.Contains(string(pe.Stack), "bottomGen") || !strings.Contains(string(pe.Stack), "generator_test.go") {
				t.Errorf("stack does not show the panicking generator:\n%s", pe.Stack)
			}
		})
	})
}

func TestGeneratorSemantics(t *testing.T) {
	// One pool worker, so that the generator has parked on its future by
	// the time main resumes and cancels it; with more, the cancellation may
	// arrive before the generator's await and is then delivered there.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		t.Run("an error from a sub-generator comes back unchanged", func(t *testing.T) {
			boom := errors.New("boom")
			inner := compat.Generator(func(*compat.Yield) (string, error) { return "", boom })
			outer := compat.Generator(func(y *compat.Yield) (string, error) {
				return compat.YieldFrom(y, inner)
			})
			if _, err := loop.RunUntilComplete(context.Background(), l, outer); !errors.Is(err, boom) {
				t.Errorf("got %v, want boom", err)
			}
		})
		t.Run("cancelling the task cancels the future it yields from", func(t *testing.T) {
			never := future.NewPromise[int]()
			started := future.NewPromise[struct{}]()
			gen := compat.Generator(func(y *compat.Yield) (int, error) {
				_ = started.Resolve(struct{}{})
				return compat.YieldFrom(y, never.Future())
			})
			main := future.Coroutine[int](func(ctx context.Context) (int, error) {
				task := loop.CreateTask(l, gen)
				if _, err := future.Await(ctx, started.Future()); err != nil {
					return 0, err
				}
				task.Cancel(errors.New("stop"))
				return future.Await(ctx, task)
			})
			_, err := loop.RunUntilComplete(context.Background(), l, main)
			if !errors.Is(err, future.ErrCancelled) || !errors.Is(err, context.Canceled) {
				t.Errorf("got %v, want a cancellation", err)
			}
			if !never.Future().Cancelled() {
				t.Error("the awaited future was not cancelled")
			}
		})
		t.Run("a bare yield is loop.Sleep with the yield's context", func(t *testing.T) {
			gen := compat.Generator(func(y *compat.Yield) (string, error) {
				if err := loop.Sleep(y.Context(), 0); err != nil {
					return "", err
				}
				return "resumed", nil
			})
			got, err := loop.RunUntilComplete(context.Background(), l, gen)
			if err != nil || got != "resumed" {
				t.Errorf("got %q, %v", got, err)
			}
		})
	}, loop.WithWorkers(1))
}

func TestGeneratorWithoutLoop(t *testing.T) {
	t.Run("a plain goroutine awaits a generator inline", func(t *testing.T) {
		p := future.NewPromise[int]()
		go func() { _ = p.Resolve(41) }()
		gen := compat.Generator(func(y *compat.Yield) (int, error) {
			v, err := compat.YieldFrom(y, p.Future())
			return v + 1, err
		})
		got, err := future.Await(context.Background(), gen)
		if err != nil || got != 42 {
			t.Errorf("got %d, %v", got, err)
		}
	})
	t.Run("a yield handle used after return reports ErrGeneratorReturned", func(t *testing.T) {
		var kept *compat.Yield
		gen := compat.Generator(func(y *compat.Yield) (int, error) { kept = y; return 0, nil })
		if _, err := future.Await(context.Background(), gen); err != nil {
			t.Fatal(err)
		}
		done := future.NewPromise[int]()
		_ = done.Resolve(1)
		if _, err := compat.YieldFrom(kept, done.Future()); !errors.Is(err, compat.ErrGeneratorReturned) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("nil arguments give typed errors or a construction panic", func(t *testing.T) {
		if _, err := compat.YieldFrom[int](nil, nil); !errors.Is(err, future.ErrNil) {
			t.Errorf("nil yield: %v", err)
		}
		gen := compat.Generator(func(y *compat.Yield) (int, error) {
			return compat.YieldFrom[int](y, nil)
		})
		if _, err := future.Await(context.Background(), gen); !errors.Is(err, future.ErrNil) {
			t.Errorf("nil awaitable: %v", err)
		}
		defer func() {
			if r := recover(); r == nil || !strings.HasPrefix(r.(string), "compat: ") {
				t.Errorf("recovered %v", r)
			}
		}()
		_ = compat.Generator[int](nil) // panics before it returns one
	})
}
