package compat_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goasyncio/asyncio/compat"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

var errBoom = errors.New("boom")

// recorder collects what reaches a misuse handler.
type recorder struct {
	mu   sync.Mutex // protects errs
	errs []error
}

func (r *recorder) handle(err error) {
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.mu.Unlock()
}

func (r *recorder) got() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]error(nil), r.errs...)
}

// shape adapts one From... function to a common form for the table: start
// receives fire, which calls the real callback with a fixed value and the
// given error; await returns the future's value printed, and its error.
type shape struct {
	name    string
	want    string // the printed value of a successful call
	noError bool   // the callback cannot carry an error
	adapt   func(ctx context.Context, start func(fire func(error)), opts ...compat.Option) (wait func(ctx context.Context) (string, error))
}

func awaitPrinted[T any](f *future.Future[T]) func(ctx context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		v, err := future.Await(ctx, f)
		return fmt.Sprint(v), err
	}
}

var shapes = []shape{
	{"FromCallback", "one", false, func(ctx context.Context, start func(func(error)), opts ...compat.Option) func(context.Context) (string, error) {
		return awaitPrinted(compat.FromCallback(ctx, func(cb func(string, error)) {
			start(func(err error) { cb("one", err) })
		}, opts...))
	}},
	{"FromCallback2", "{1 two}", false, func(ctx context.Context, start func(func(error)), opts ...compat.Option) func(context.Context) (string, error) {
		return awaitPrinted(compat.FromCallback2(ctx, func(cb func(int, string, error)) {
			start(func(err error) { cb(1, "two", err) })
		}, opts...))
	}},
	{"FromCallback3", "{1 two true}", false, func(ctx context.Context, start func(func(error)), opts ...compat.Option) func(context.Context) (string, error) {
		return awaitPrinted(compat.FromCallback3(ctx, func(cb func(int, string, bool, error)) {
			start(func(err error) { cb(1, "two", true, err) })
		}, opts...))
	}},
	{"FromValueCallback", "7", true, func(ctx context.Context, start func(func(error)), opts ...compat.Option) func(context.Context) (string, error) {
		return awaitPrinted(compat.FromValueCallback(ctx, func(cb func(int)) {
			start(func(error) { cb(7) })
		}, opts...))
	}},
	{"FromErrCallback", "{}", false, func(ctx context.Context, start func(func(error)), opts ...compat.Option) func(context.Context) (string, error) {
		return awaitPrinted(compat.FromErrCallback(ctx, func(cb func(error)) {
			start(func(err error) { cb(err) })
		}, opts...))
	}},
}

// places runs body in a loop task on each engine and on a plain goroutine.
func places(t *testing.T, body func(t *testing.T, ctx context.Context)) {
	t.Helper()
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := loop.RunUntilComplete(context.Background(), l, future.Coroutine[struct{}](func(ctx context.Context) (struct{}, error) {
			body(t, ctx)
			return struct{}{}, nil
		}))
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("goroutine", func(t *testing.T) { body(t, context.Background()) })
}

func TestFromCallbackShapes(t *testing.T) {
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			t.Run("a callback from another goroutine resolves the future", func(t *testing.T) {
				places(t, func(t *testing.T, ctx context.Context) {
					var wg sync.WaitGroup
					defer wg.Wait()
					wait := s.adapt(ctx, func(fire func(error)) {
						wg.Go(func() { fire(nil) })
					})
					if got, err := wait(ctx); err != nil || got != s.want {
						t.Errorf("got %q, %v; want %q", got, err, s.want)
					}
				})
			})
			if !s.noError {
				t.Run("an error from the callback rejects the future", func(t *testing.T) {
					places(t, func(t *testing.T, ctx context.Context) {
						wait := s.adapt(ctx, func(fire func(error)) { fire(errBoom) })
						if _, err := wait(ctx); !errors.Is(err, errBoom) {
							t.Errorf("got %v, want boom", err)
						}
					})
				})
			}
			t.Run("a second call is reported and the first result kept", func(t *testing.T) {
				places(t, func(t *testing.T, ctx context.Context) {
					var r recorder
					wait := s.adapt(ctx, func(fire func(error)) {
						fire(nil)
						fire(errBoom)
						fire(nil)
					}, compat.WithMisuseHandler(r.handle))
					if got, err := wait(ctx); err != nil || got != s.want {
						t.Errorf("got %q, %v; want %q", got, err, s.want)
					}
					errs := r.got()
					if len(errs) != 2 || !errors.Is(errs[0], compat.ErrCalledTwice) || !errors.Is(errs[1], compat.ErrCalledTwice) {
						t.Errorf("misuse reports %v, want two ErrCalledTwice", errs)
					}
				})
			})
			t.Run("a callback never called is ended by cancelling ctx", func(t *testing.T) {
				places(t, func(t *testing.T, ctx context.Context) {
					var r recorder
					var late func(error)
					cctx, cancel := context.WithCancelCause(context.Background())
					wait := s.adapt(cctx, func(fire func(error)) { late = fire }, compat.WithMisuseHandler(r.handle))
					stop := errors.New("gave up")
					cancel(stop)
					_, err := wait(ctx)
					if !errors.Is(err, future.ErrCancelled) || !errors.Is(err, stop) {
						t.Errorf("got %v, want a cancellation caused by stop", err)
					}
					late(nil) // a late answer is dropped quietly
					if errs := r.got(); len(errs) != 0 {
						t.Errorf("late callback reported %v", errs)
					}
				})
			})
			t.Run("an already cancelled ctx does not start the call", func(t *testing.T) {
				places(t, func(t *testing.T, ctx context.Context) {
					cctx, cancel := context.WithCancel(context.Background())
					cancel()
					started := false
					wait := s.adapt(cctx, func(func(error)) { started = true })
					if _, err := wait(ctx); !errors.Is(err, context.Canceled) || started {
						t.Errorf("got %v, started %v", err, started)
					}
				})
			})
			t.Run("a callback never called is ended by a timeout", func(t *testing.T) {
				places(t, func(t *testing.T, ctx context.Context) {
					tctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
					defer cancel()
					wait := s.adapt(tctx, func(func(error)) {})
					_, err := wait(ctx)
					if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, future.ErrCancelled) {
						t.Errorf("got %v, want a cancellation by deadline", err)
					}
				})
			})
			t.Run("a panic before the callback rejects the future with its stack", func(t *testing.T) {
				places(t, func(t *testing.T, ctx context.Context) {
					wait := s.adapt(ctx, func(func(error)) { panic("start broke") })
					_, err := wait(ctx)
					var pe *future.PanicError
					if !errors.As(err, &pe) || pe.Value != "start broke" || !strings.Contains(string(pe.Stack), "callback_test.go") {
						t.Errorf("got %v", err)
					}
				})
			})
			t.Run("a panic after the callback keeps the result and is reported", func(t *testing.T) {
				places(t, func(t *testing.T, ctx context.Context) {
					var r recorder
					wait := s.adapt(ctx, func(fire func(error)) {
						fire(nil)
						panic("after the fact")
					}, compat.WithMisuseHandler(r.handle))
					if got, err := wait(ctx); err != nil || got != s.want {
						t.Errorf("got %q, %v", got, err)
					}
					var pe *future.PanicError
					if errs := r.got(); len(errs) != 1 || !errors.As(errs[0], &pe) {
						t.Errorf("misuse reports %v, want one panic", errs)
					}
				})
			})
		})
	}
}

func TestFromCallbackNil(t *testing.T) {
	t.Run("nil ctx or start gives a failed future", func(t *testing.T) {
		//lint:ignore SA1012 the nil context is the point of the test
		if err := compat.FromCallback[int](nil, func(func(int, error)) {}).Err(); !errors.Is(err, future.ErrNil) {
			t.Errorf("nil ctx: %v", err)
		}
		if err := compat.FromCallback2[int, int](context.Background(), nil).Err(); !errors.Is(err, future.ErrNil) {
			t.Errorf("nil start: %v", err)
		}
		if err := compat.FromCallback3[int, int, int](context.Background(), nil).Err(); !errors.Is(err, future.ErrNil) {
			t.Errorf("nil start: %v", err)
		}
		if err := compat.FromValueCallback[int](context.Background(), nil).Err(); !errors.Is(err, future.ErrNil) {
			t.Errorf("nil start: %v", err)
		}
		if err := compat.FromErrCallback(context.Background(), nil).Err(); !errors.Is(err, future.ErrNil) {
			t.Errorf("nil start: %v", err)
		}
	})
}

func TestToCallback(t *testing.T) {
	t.Run("the callback gets the value once the future resolves", func(t *testing.T) {
		p := future.NewPromise[int]()
		got := make(chan int, 2)
		if err := compat.ToCallback(p.Future(), func(v int, err error) { got <- v }); err != nil {
			t.Fatal(err)
		}
		go func() { _ = p.Resolve(5) }()
		if v := <-got; v != 5 {
			t.Errorf("got %d", v)
		}
		if len(got) != 0 {
			t.Error("callback called more than once")
		}
	})
	t.Run("the callback gets the error of a rejected future", func(t *testing.T) {
		p := future.NewPromise[int]()
		_ = p.Reject(errBoom)
		var got error
		if err := compat.ToCallback(p.Future(), func(_ int, err error) { got = err }); err != nil {
			t.Fatal(err)
		}
		if !errors.Is(got, errBoom) {
			t.Errorf("got %v", got)
		}
	})
	t.Run("the callback learns of a cancellation", func(t *testing.T) {
		p := future.NewPromise[int]()
		var got error
		_ = compat.ToCallback(p.Future(), func(_ int, err error) { got = err })
		p.Future().Cancel(nil)
		if !errors.Is(got, future.ErrCancelled) {
			t.Errorf("got %v", got)
		}
	})
	t.Run("a panic in the callback goes to the misuse handler", func(t *testing.T) {
		var r recorder
		p := future.NewPromise[int]()
		_ = compat.ToCallback(p.Future(), func(int, error) { panic("consumer broke") }, compat.WithMisuseHandler(r.handle))
		if err := p.Resolve(1); err != nil {
			t.Errorf("Resolve: %v", err)
		}
		var pe *future.PanicError
		if errs := r.got(); len(errs) != 1 || !errors.As(errs[0], &pe) || pe.Value != "consumer broke" {
			t.Errorf("misuse reports %v", errs)
		}
	})
	t.Run("nil arguments return ErrNil", func(t *testing.T) {
		if err := compat.ToCallback[int](nil, func(int, error) {}); !errors.Is(err, future.ErrNil) {
			t.Errorf("got %v", err)
		}
		if err := compat.ToCallback(future.NewPromise[int]().Future(), nil); !errors.Is(err, future.ErrNil) {
			t.Errorf("got %v", err)
		}
	})
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		t.Run("a task's result reaches a callback on the loop", func(t *testing.T) {
			got, err := loop.RunUntilComplete(context.Background(), l, future.Coroutine[string](func(ctx context.Context) (string, error) {
				task := loop.CreateTask(l, func(context.Context) (string, error) { return "done", nil })
				answered := future.NewPromise[string]()
				if err := compat.ToCallback(task, func(v string, err error) { _ = answered.Complete(v, err) }); err != nil {
					return "", err
				}
				return future.Await(ctx, answered.Future())
			}))
			if err != nil || got != "done" {
				t.Errorf("got %q, %v", got, err)
			}
		})
	})
}
