package loop_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func TestCancelATaskSuspendedInAwait(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		cause := errors.New("user hit ctrl-c")
		cleaned := false
		var ctxCause error
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			never := future.NewPromise[int]()
			started := future.NewPromise[struct{}]()
			task := loop.CreateTask(l, func(ctx context.Context) (int, error) {
				defer func() { cleaned = true }()
				_ = started.Resolve(struct{}{})
				v, err := future.Await(ctx, never.Future())
				ctxCause = context.Cause(ctx)
				return v, err
			})
			if _, err := future.Await(ctx, started.Future()); err != nil {
				return 0, err
			}
			assert.True(t, task.Cancel(cause))
			_, err := future.Await(ctx, task)
			// On one thread the task is surely suspended in its Await by
			// now, and asyncio cancels the future it waits on. A pool
			// runs the task in parallel: the cancellation may reach it
			// before it suspends, and is then delivered at the Await
			// instead, leaving never pending.
			if l.ThreadID() != 0 {
				assert.True(t, never.Future().Cancelled(), "asyncio cancels the future the task waits on")
			}
			return 0, err
		})
		assert.ErrorIs(t, err, future.ErrCancelled)
		assert.ErrorIs(t, err, cause)
		assert.ErrorIs(t, ctxCause, cause, "context.Cause keeps the cause")
		assert.True(t, cleaned, "deferred cleanup ran")
		mustWork(t, l)
	})
}

func TestCancelledTaskMayDecline(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		v, err := run(t, l, func(ctx context.Context) (string, error) {
			started := future.NewPromise[struct{}]()
			task := loop.CreateTask(l, func(ctx context.Context) (string, error) {
				_ = started.Resolve(struct{}{})
				_, err := future.Await(ctx, future.NewPromise[int]().Future())
				if errors.Is(err, future.ErrCancelled) {
					// Declines, and can still await afterwards.
					if err := loop.Sleep(ctx, 0); err != nil {
						return "", err
					}
					return "declined", nil
				}
				return "", err
			})
			_, _ = future.Await(ctx, started.Future())
			task.Cancel(nil)
			return future.Await(ctx, task)
		})
		require.NoError(t, err)
		assert.Equal(t, "declined", v)
	})
}

func TestCancelBeforeStartNeverRunsTheBody(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		ran := false
		task := loop.CreateTask(l, func(context.Context) (int, error) { ran = true; return 1, nil })
		assert.True(t, task.Cancel(nil))
		_, err := loop.RunUntilComplete(bg, l, task)
		assert.ErrorIs(t, err, future.ErrCancelled)
		assert.False(t, ran)
		assert.True(t, task.Cancelled())
		assert.False(t, task.Cancel(nil), "cancelling twice: the second is refused")
	})
}

func TestCancelDeliveredAtNextSuspension(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		// A task that cancels itself while running sees it at its next await.
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			self := future.NewPromise[*future.Future[int]]()
			task := loop.CreateTask(l, func(ctx context.Context) (int, error) {
				f, _ := future.Await(ctx, self.Future())
				f.Cancel(nil)
				if ctx.Err() == nil {
					return 0, errors.New("context not cancelled")
				}
				return 0, loop.Sleep(ctx, 0)
			})
			_ = self.Resolve(task)
			return future.Await(ctx, task)
		})
		assert.ErrorIs(t, err, future.ErrCancelled)
	})
}

func TestRunUntilCompleteContextCancelsTheMainTask(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		ctx, cancel := context.WithCancelCause(bg)
		cause := errors.New("deadline from the caller")
		_, err := loop.RunUntilComplete(ctx, l, future.Coroutine[int](func(tctx context.Context) (int, error) {
			cancel(cause)
			return future.Await(tctx, future.NewPromise[int]().Future())
		}))
		assert.ErrorIs(t, err, cause)
		assert.ErrorIs(t, err, future.ErrCancelled)
		mustWork(t, l)
	})
}

func TestRunUntilCompleteContextEndsAWaitForAFuture(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		ctx, cancel := context.WithCancel(bg)
		p := future.NewPromise[int]()
		_, err := l.CallSoon(cancel)
		require.NoError(t, err)
		_, err = loop.RunUntilComplete(ctx, l, p.Future())
		assert.ErrorIs(t, err, context.Canceled)
		assert.False(t, p.Future().IsDone(), "the future is left alone")
	})
}

// TestTaskContextEndsWithTheTask checks a task's context after the task
// has ended, whether the body made it (by asking for Done) or it is first
// asked for afterwards, and that a cancellation recorded before the
// context is made still gives it its cause.
func TestTaskContextEndsWithTheTask(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		cause := errors.New("not needed any more")
		var untouched, made, cancelled context.Context
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			a := loop.CreateTask(l, func(ctx context.Context) (int, error) {
				untouched = ctx
				return 1, nil
			})
			b := loop.CreateTask(l, func(ctx context.Context) (int, error) {
				made = ctx
				select {
				case <-ctx.Done():
					return 0, errors.New("done while running")
				default:
					return 2, nil
				}
			})
			gate := future.NewPromise[int]()
			cStarted := future.NewPromise[struct{}]()
			c := loop.CreateTask(l, func(ctx context.Context) (int, error) {
				cancelled = ctx
				_ = cStarted.Resolve(struct{}{})
				return future.Await(ctx, gate.Future())
			})
			// Cancelled only once it runs: a task cancelled before it
			// starts never runs its body (on the pool the Cancel below
			// could otherwise come first).
			if _, err := future.Await(ctx, cStarted.Future()); err != nil {
				return 0, err
			}
			for _, f := range []*future.Future[int]{a, b} {
				if _, err := future.Await(ctx, f); err != nil {
					return 0, err
				}
			}
			c.Cancel(cause)
			_, err := future.Await(ctx, c)
			require.ErrorIs(t, err, cause)
			return 0, nil
		})
		require.NoError(t, err)
		for name, ctx := range map[string]context.Context{"untouched": untouched, "made": made} {
			select {
			case <-ctx.Done():
			default:
				t.Errorf("%s: the context of an ended task is not done", name)
			}
			assert.ErrorIs(t, ctx.Err(), context.Canceled, name)
		}
		assert.ErrorIs(t, context.Cause(cancelled), cause, "the cause recorded before the context was made")
		mustWork(t, l)
	})
}

// TestATaskEndRacingItsContextAndCancel ends tasks while other goroutines
// make their contexts and cancel them. A task that ends with no context
// and no cancellation skips its lock; a context or Cancel made just as it
// ends must still see the end: the context is done, and the task's future
// holds a value or a cancellation, never both.
func TestATaskEndRacingItsContextAndCancel(t *testing.T) {
	const tasks = 2000
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		cause := errors.New("cancelled as it ended")
		ctxs := make(chan context.Context, tasks)
		var helpers sync.WaitGroup
		err, ok := runWithin(t, l, 30*time.Second, func(ctx context.Context) (int, error) {
			fs := make([]*future.Future[int], tasks)
			for i := range fs {
				ready := make(chan *future.Future[int], 1)
				fs[i] = loop.CreateTask(l, func(ctx context.Context) (int, error) {
					f := <-ready
					gate := future.NewPromise[int]()
					helpers.Go(func() {
						// Each races the body's Await or its end.
						switch i % 3 {
						case 0:
							f.Cancel(cause)
							_ = gate.Resolve(i)
							<-ctx.Done() // makes the context, if it is not made yet
						case 1:
							_ = gate.Resolve(i)
							<-ctx.Done()
							f.Cancel(cause)
						default:
							_ = gate.Resolve(i)
							<-ctx.Done()
						}
						ctxs <- ctx
					})
					return future.Await(ctx, gate.Future())
				})
				ready <- fs[i]
			}
			values, cancels := 0, 0
			for i, f := range fs {
				v, err := future.Await(ctx, f)
				switch {
				case err == nil:
					values++
					assert.Equal(t, i, v)
				case errors.Is(err, future.ErrCancelled):
					cancels++
					assert.ErrorIs(t, err, cause)
					assert.True(t, f.Cancelled())
				default:
					t.Errorf("task %d: %v", i, err)
				}
			}
			// A third of the tasks are cancelled before their gate
			// opens, most of them while they wait on it; the others end
			// with their value. Both outcomes must occur.
			assert.Positive(t, values)
			assert.Positive(t, cancels)
			return 0, nil
		})
		require.True(t, ok, "the tasks did not end")
		require.NoError(t, err)
		waited := make(chan struct{})
		go func() {
			helpers.Wait()
			close(waited)
		}()
		select {
		case <-waited:
		case <-time.After(30 * time.Second):
			t.Fatal("the context of an ended task never ended")
		}
		close(ctxs)
		n := 0
		for ctx := range ctxs {
			n++
			assert.Error(t, ctx.Err())
		}
		assert.Equal(t, tasks, n)
		mustWork(t, l)
	})
}
