package loop_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// threeTasks starts tasks that end after 1s with 1, after 2s with boom and
// after 3s with 3.
func threeTasks(l *loop.Loop, boom error) []*future.Future[int] {
	return []*future.Future[int]{
		loop.CreateTask(l, napThen(time.Second, 1)),
		loop.CreateTask(l, napFail[int](2*time.Second, boom)),
		loop.CreateTask(l, napThen(3*time.Second, 3)),
	}
}

func TestWait(t *testing.T) {
	boom := errors.New("boom")
	for _, c := range []struct {
		name      string
		when      loop.ReturnWhen
		timeout   time.Duration
		done      int // how many of threeTasks are done, in order
		elapsed   time.Duration
		cancelled bool // a cancelled task takes the place of the failing one
	}{
		{"FirstCompleted returns after the first", loop.FirstCompleted, 0, 1, time.Second, false},
		{"FirstException returns after the first failure", loop.FirstException, 0, 2, 2 * time.Second, false},
		{"FirstException does not count a cancellation", loop.FirstException, 0, 3, 3 * time.Second, true},
		{"AllCompleted returns after the last", loop.AllCompleted, 0, 3, 3 * time.Second, false},
		{"a timeout returns the sets as they stand", loop.AllCompleted, 1500 * time.Millisecond, 1, 1500 * time.Millisecond, false},
		{"a timeout longer than needed changes nothing", loop.FirstCompleted, time.Hour, 1, time.Second, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			eachEngine(t, func(t *testing.T, l *loop.Loop) {
				var fs []*future.Future[int]
				_, err := run(t, l, func(ctx context.Context) (int, error) {
					fs = threeTasks(l, boom)
					if c.cancelled {
						fs[1].Cancel(nil) // ends before it starts
					}
					start := l.Time()
					done, pending, err := loop.Wait(ctx, fs, c.when, c.timeout)
					assert.Equal(t, c.elapsed, l.Time().Sub(start), "on the virtual clock")
					assert.Equal(t, fs[:c.done], done)
					if c.done == len(fs) {
						assert.Empty(t, pending)
					} else {
						assert.Equal(t, fs[c.done:], pending)
					}
					return 0, err
				})
				require.NoError(t, err)
				_, err = loop.RunUntilComplete(bg, l, fs[2])
				require.NoError(t, err, "Wait cancels nothing: the last task still ends normally")
			}, virtual...)
		})
	}

	t.Run("futures already complete return at once", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			done := future.NewPromise[int]()
			_ = done.Resolve(1)
			never := future.NewPromise[int]()
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				d, p, err := loop.Wait(ctx, []*future.Future[int]{never.Future(), done.Future()}, loop.FirstCompleted, 0)
				assert.Equal(t, []*future.Future[int]{done.Future()}, d)
				assert.Equal(t, []*future.Future[int]{never.Future()}, p)
				return 0, err
			})
			require.NoError(t, err)
		})
	})

	t.Run("a cancelled waiter gets the cancellation and the inputs run on", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			cause := errors.New("stop waiting")
			input := future.NewPromise[int]()
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				waiter := loop.CreateTask(l, func(ctx context.Context) (int, error) {
					_, pending, err := loop.Wait(ctx, []*future.Future[int]{input.Future()}, loop.AllCompleted, 0)
					assert.Len(t, pending, 1)
					return 0, err
				})
				if err := loop.Sleep(ctx, time.Second); err != nil {
					return 0, err
				}
				waiter.Cancel(cause)
				_, err := future.Await(ctx, waiter)
				return 0, err
			})
			require.ErrorIs(t, err, cause)
			assert.False(t, input.Future().IsDone(), "the input is not cancelled")
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("a plain goroutine can wait without a timeout", func(t *testing.T) {
		a, b := future.NewPromise[int](), future.NewPromise[int]()
		go func() { _ = b.Resolve(2) }()
		done, pending, err := loop.Wait(bg, []*future.Future[int]{a.Future(), b.Future()}, loop.FirstCompleted, 0)
		require.NoError(t, err)
		assert.Equal(t, []*future.Future[int]{b.Future()}, done)
		assert.Equal(t, []*future.Future[int]{a.Future()}, pending)
	})

	t.Run("bad input gets typed errors", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				_, _, err := loop.Wait(ctx, []*future.Future[int](nil), loop.AllCompleted, 0)
				assert.ErrorIs(t, err, loop.ErrEmpty)
				_, _, err = loop.Wait(ctx, []*future.Future[int]{nil}, loop.AllCompleted, 0)
				assert.ErrorIs(t, err, future.ErrNil)
				_, _, err = loop.Wait(noCtx, []*future.Future[int]{future.NewPromise[int]().Future()}, loop.AllCompleted, 0)
				assert.ErrorIs(t, err, future.ErrNil)
				return 0, nil
			})
			require.NoError(t, err)
			mustWork(t, l)
		})
		_, _, err := loop.Wait(bg, []*future.Future[int]{future.NewPromise[int]().Future()}, loop.AllCompleted, time.Second)
		assert.ErrorIs(t, err, loop.ErrNoRunningLoop, "the timeout needs the loop's clock")
	})

	t.Run("ReturnWhen has readable names", func(t *testing.T) {
		assert.Equal(t, "AllCompleted", loop.ReturnWhen(0).String())
		assert.Equal(t, "FirstCompleted", loop.FirstCompleted.String())
		assert.Equal(t, "FirstException", loop.FirstException.String())
	})
}

func TestAsCompleted(t *testing.T) {
	t.Run("outcomes come in completion order, errors included", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			boom := errors.New("boom")
			ready := future.NewPromise[int]()
			_ = ready.Resolve(0)
			var got []int
			var errs []error
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				fs := []*future.Future[int]{
					loop.CreateTask(l, napThen(3*time.Second, 3)),
					loop.CreateTask(l, napFail[int](2*time.Second, boom)),
					loop.CreateTask(l, napThen(time.Second, 1)),
					ready.Future(),
				}
				for v, err := range loop.AsCompleted(ctx, fs...) {
					got = append(got, v)
					errs = append(errs, err)
				}
				return 0, nil
			})
			require.NoError(t, err)
			assert.Equal(t, []int{0, 1, 0, 3}, got)
			assert.Equal(t, []error{nil, nil, boom, nil}, errs)
		}, virtual...)
	})

	t.Run("breaking out early leaves nothing running", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			var fs []*future.Future[int]
			first, err := run(t, l, func(ctx context.Context) (int, error) {
				fs = []*future.Future[int]{
					loop.CreateTask(l, napThen(2*time.Second, 2)),
					loop.CreateTask(l, napThen(time.Second, 1)),
				}
				for v, err := range loop.AsCompleted(ctx, fs...) {
					return v, err
				}
				return 0, errors.New("nothing yielded")
			})
			require.NoError(t, err)
			assert.Equal(t, 1, first)
			v, err := loop.RunUntilComplete(bg, l, fs[0])
			require.NoError(t, err, "the other future completes normally; goleak checks for leaks")
			assert.Equal(t, 2, v)
		}, virtual...)
	})

	t.Run("a Timeout context ends the iteration with a timeout error", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			var got []int
			var last error
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				fs := []*future.Future[int]{
					loop.CreateTask(l, napThen(time.Hour, 2)),
					loop.CreateTask(l, napThen(time.Second, 1)),
				}
				tctx, cancel := loop.Timeout(ctx, time.Minute)
				defer cancel()
				for v, err := range loop.AsCompleted(tctx, fs...) {
					got = append(got, v)
					last = err
				}
				return 0, nil
			})
			require.NoError(t, err)
			assert.Equal(t, []int{1, 0}, got)
			assert.ErrorIs(t, last, loop.ErrTimeout)
		}, virtual...)
	})

	t.Run("each iteration starts afresh", func(t *testing.T) {
		a, b := future.NewPromise[string](), future.NewPromise[string]()
		_ = b.Resolve("b")
		_ = a.Resolve("a")
		seq := loop.AsCompleted(bg, a.Future(), b.Future())
		for range 2 {
			var got []string
			for v, err := range seq {
				require.NoError(t, err)
				got = append(got, v)
			}
			assert.Equal(t, []string{"a", "b"}, got, "already complete: in argument order")
		}
	})

	t.Run("a plain goroutine can iterate", func(t *testing.T) {
		a, b := future.NewPromise[string](), future.NewPromise[string]()
		go func() { _ = b.Resolve("b"); _ = a.Resolve("a") }()
		var got []string
		for v, err := range loop.AsCompleted(bg, a.Future(), b.Future()) {
			require.NoError(t, err)
			got = append(got, v)
		}
		assert.ElementsMatch(t, []string{"a", "b"}, got)
	})

	t.Run("bad input yields a typed error once", func(t *testing.T) {
		n := 0
		for _, err := range loop.AsCompleted(bg, future.NewPromise[int]().Future(), nil) {
			n++
			assert.ErrorIs(t, err, future.ErrNil)
		}
		for _, err := range loop.AsCompleted[int, *future.Future[int]](noCtx) {
			n++
			assert.ErrorIs(t, err, future.ErrNil)
		}
		assert.Equal(t, 2, n)
		for range loop.AsCompleted[int, *future.Future[int]](bg) {
			t.Fatal("no futures, nothing yielded")
		}
	})
}
