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

// inGroup runs body in a task group on l and returns WithTaskGroup's error.
func inGroup(t *testing.T, l *loop.Loop, body func(ctx context.Context, g *loop.TaskGroup) error) error {
	t.Helper()
	_, err := run(t, l, func(ctx context.Context) (int, error) {
		return 0, loop.WithTaskGroup(ctx, body)
	})
	return err
}

func TestTaskGroup(t *testing.T) {
	t.Run("tasks give their values and the group no error", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			var a, b *future.Future[int]
			err := inGroup(t, l, func(ctx context.Context, g *loop.TaskGroup) error {
				a = loop.CreateTaskIn(g, napThen(2*time.Second, 1))
				b = loop.CreateTaskIn(g, napThen(time.Second, 2))
				return nil
			})
			require.NoError(t, err)
			require.True(t, a.IsDone() && b.IsDone(), "the group waited for both")
			va, _ := a.Result()
			vb, _ := b.Result()
			assert.Equal(t, []int{1, 2}, []int{va, vb})
		}, loop.WithVirtualTime()) // every worker of the pool
	})

	t.Run("the first failure cancels the siblings and the body", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			boom := errors.New("boom")
			slow, slowEnded := watched(time.Hour, 1)
			var bodyErr error
			err := inGroup(t, l, func(ctx context.Context, g *loop.TaskGroup) error {
				loop.CreateTaskIn(g, slow)
				loop.CreateTaskIn(g, napFail[int](time.Second, boom))
				bodyErr = loop.Sleep(ctx, 2*time.Hour)
				return bodyErr
			})
			require.ErrorIs(t, err, boom)
			assert.NotErrorIs(t, err, future.ErrCancelled, "cancellations the group caused are not reported")
			assert.ErrorIs(t, bodyErr, future.ErrCancelled, "the body was interrupted")
			assert.ErrorIs(t, bodyErr, boom, "with the failure as cause")
			require.True(t, slowEnded.IsDone(), "the group waited for the cancelled sibling")
			sleepErr, _ := slowEnded.Result()
			assert.ErrorIs(t, sleepErr, boom)
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("failures are joined in the order they happened", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			first, cleanup := errors.New("first"), errors.New("cleanup failed")
			err := inGroup(t, l, func(ctx context.Context, g *loop.TaskGroup) error {
				loop.CreateTaskIn(g, func(ctx context.Context) (int, error) {
					if err := loop.Sleep(ctx, time.Hour); err != nil {
						return 0, cleanup // fails while being cancelled
					}
					return 0, nil
				})
				loop.CreateTaskIn(g, napFail[int](time.Second, first))
				return nil
			})
			require.ErrorIs(t, err, first)
			require.ErrorIs(t, err, cleanup)
			joined, ok := err.(interface{ Unwrap() []error })
			require.True(t, ok, "an errors.Join error")
			assert.Equal(t, []error{first, cleanup}, joined.Unwrap())
		}, virtual...)
	})

	t.Run("the group waits for every task, cleanup included", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			var r recorder
			err := inGroup(t, l, func(ctx context.Context, g *loop.TaskGroup) error {
				for _, name := range []string{"a", "b"} {
					loop.CreateTaskIn(g, func(ctx context.Context) (int, error) {
						err := loop.Sleep(ctx, time.Hour)
						// Cleanup that awaits: a cancellation is delivered once.
						if cerr := loop.Sleep(ctx, time.Second); cerr != nil {
							return 0, cerr
						}
						r.add(name + " cleaned up")
						return 0, err
					})
				}
				loop.CreateTaskIn(g, napFail[int](time.Minute, errors.New("boom")))
				return nil
			})
			require.Error(t, err)
			assert.ElementsMatch(t, []string{"a cleaned up", "b cleaned up"}, r.list())
		}, virtual...)
	})

	t.Run("a panicking task fails the group with a PanicError", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			err := inGroup(t, l, func(ctx context.Context, g *loop.TaskGroup) error {
				loop.CreateTaskIn(g, napThen(time.Hour, 1))
				loop.CreateTaskIn(g, panicsDeepDown)
				return nil
			})
			var pe *future.PanicError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "bottom fell out", pe.Value)
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("an error or panic in the body cancels the tasks", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			bad := errors.New("body failed")
			slow, slowEnded := watched(time.Hour, 1)
			err := inGroup(t, l, func(ctx context.Context, g *loop.TaskGroup) error {
				loop.CreateTaskIn(g, slow)
				if err := loop.Sleep(ctx, time.Second); err != nil { // let it start
					return err
				}
				return bad
			})
			require.ErrorIs(t, err, bad)
			sleepErr, _ := slowEnded.Result()
			assert.ErrorIs(t, sleepErr, bad)

			err = inGroup(t, l, func(ctx context.Context, g *loop.TaskGroup) error {
				loop.CreateTaskIn(g, napThen(time.Hour, 1))
				panic("body panicked")
			})
			var pe *future.PanicError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "body panicked", pe.Value)
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("a task cancelled by someone else is not a failure", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			var other *future.Future[int]
			err := inGroup(t, l, func(ctx context.Context, g *loop.TaskGroup) error {
				doomed := loop.CreateTaskIn(g, napThen(time.Hour, 1))
				other = loop.CreateTaskIn(g, napThen(2*time.Second, 2))
				if err := loop.Sleep(ctx, time.Second); err != nil {
					return err
				}
				doomed.Cancel(nil)
				return nil
			})
			require.NoError(t, err)
			v, _ := other.Result()
			assert.Equal(t, 2, v, "the sibling was not cancelled")
		}, virtual...)
	})

	t.Run("tasks can start siblings and the group waits for them too", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			var r recorder
			err := inGroup(t, l, func(ctx context.Context, g *loop.TaskGroup) error {
				loop.CreateTaskIn(g, func(ctx context.Context) (int, error) {
					if err := loop.Sleep(ctx, time.Second); err != nil {
						return 0, err
					}
					loop.CreateTaskIn(g, func(ctx context.Context) (int, error) {
						if err := loop.Sleep(ctx, time.Hour); err != nil {
							return 0, err
						}
						r.add("grandchild")
						return 0, nil
					})
					return 0, nil
				})
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, []string{"grandchild"}, r.list())
		}, virtual...)
	})

	t.Run("a task started while the group cancels never runs", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			boom := errors.New("boom")
			ran := false
			var late *future.Future[int]
			err := inGroup(t, l, func(ctx context.Context, g *loop.TaskGroup) error {
				loop.CreateTaskIn(g, napFail[int](time.Second, boom))
				_ = loop.Sleep(ctx, time.Hour) // interrupted by the failure
				late = loop.CreateTaskIn(g, func(context.Context) (int, error) { ran = true; return 1, nil })
				return nil
			})
			require.ErrorIs(t, err, boom)
			assert.True(t, late.Cancelled())
			assert.ErrorIs(t, late.Err(), boom)
			assert.False(t, ran)
		}, virtual...)
	})

	t.Run("using the group after it finished gives a typed error", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			boom := errors.New("boom")
			var g *loop.TaskGroup
			var gctx context.Context
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				g, gctx = loop.NewTaskGroup(ctx)
				loop.CreateTaskIn(g, napFail[int](time.Second, boom))
				err := g.Wait(ctx)
				assert.ErrorIs(t, err, boom)
				assert.Equal(t, err, g.Wait(ctx), "Wait again gives the same result")
				_, err = future.Await(ctx, loop.CreateTaskIn(g, napThen(0, 1)))
				return 0, err
			})
			require.ErrorIs(t, err, loop.ErrGroupDone)
			assert.Error(t, gctx.Err(), "the group's context ends with Wait")
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("the group's context ends with ErrGroupDone after a clean Wait", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				g, gctx := loop.NewTaskGroup(ctx)
				loop.CreateTaskIn(g, napThen(time.Second, 1))
				assert.NoError(t, gctx.Err())
				err := g.Wait(gctx) // the group's own context will do
				assert.ErrorIs(t, context.Cause(gctx), loop.ErrGroupDone)
				return 0, err
			})
			require.NoError(t, err)
		}, virtual...)
	})

	t.Run("cancelling the task that waits in a group cancels the tasks", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			cause := errors.New("shutting down")
			slow, slowEnded := watched(time.Hour, 1)
			var finishedFirst bool
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				owner := loop.CreateTask(l, func(ctx context.Context) (int, error) {
					err := loop.WithTaskGroup(ctx, func(ctx context.Context, g *loop.TaskGroup) error {
						loop.CreateTaskIn(g, slow)
						return nil
					})
					finishedFirst = slowEnded.IsDone()
					return 0, err
				})
				if err := loop.Sleep(ctx, time.Second); err != nil {
					return 0, err
				}
				owner.Cancel(cause)
				return future.Await(ctx, owner)
			})
			require.ErrorIs(t, err, future.ErrCancelled)
			require.ErrorIs(t, err, cause)
			assert.True(t, finishedFirst, "the group waited for its task")
			sleepErr, _ := slowEnded.Result()
			assert.ErrorIs(t, sleepErr, cause)
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("a Timeout around the group cancels the tasks", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			slow, slowEnded := watched(time.Hour, 1)
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				tctx, cancel := loop.Timeout(ctx, time.Second)
				defer cancel()
				return 0, loop.WithTaskGroup(tctx, func(ctx context.Context, g *loop.TaskGroup) error {
					loop.CreateTaskIn(g, slow)
					return nil
				})
			})
			require.ErrorIs(t, err, loop.ErrTimeout)
			require.True(t, slowEnded.IsDone())
			sleepErr, _ := slowEnded.Result()
			assert.ErrorIs(t, sleepErr, loop.ErrTimeout)
		}, virtual...)
	})

	t.Run("closing the loop ends a group that waits", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			var groupErr *future.Future[error]
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				p := future.NewPromise[error]()
				groupErr = p.Future()
				loop.CreateTask(l, func(ctx context.Context) (int, error) {
					err := loop.WithTaskGroup(ctx, func(ctx context.Context, g *loop.TaskGroup) error {
						loop.CreateTaskIn(g, napThen(time.Hour, 1))
						loop.CreateTaskIn(g, napThen(time.Hour, 2))
						return nil
					})
					_ = p.Resolve(err)
					return 0, err
				})
				return 0, loop.Sleep(ctx, time.Second)
			})
			require.NoError(t, err)
			require.NoError(t, l.Close())
			err, _ = groupErr.Result()
			assert.ErrorIs(t, err, loop.ErrClosed)
		}, virtual...)
	})

	t.Run("bad input gets typed errors", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				assert.ErrorIs(t, loop.WithTaskGroup(ctx, nil), future.ErrNil)
				_, err := future.Await(ctx, loop.CreateTaskIn[int](nil, napThen(0, 1)))
				assert.ErrorIs(t, err, future.ErrNil)
				g, _ := loop.NewTaskGroup(ctx)
				_, err = future.Await(ctx, loop.CreateTaskIn[int](g, nil))
				assert.ErrorIs(t, err, future.ErrNil)
				assert.ErrorIs(t, g.Wait(noCtx), future.ErrNil)
				return 0, g.Wait(ctx)
			})
			require.NoError(t, err, "a nil coroutine is refused without failing the group")
			mustWork(t, l)
		})

		g, gctx := loop.NewTaskGroup(bg)
		assert.ErrorIs(t, context.Cause(gctx), loop.ErrNoRunningLoop)
		_, err := future.Await(bg, loop.CreateTaskIn(g, napThen(0, 1)))
		assert.ErrorIs(t, err, loop.ErrNoRunningLoop)
		assert.ErrorIs(t, g.Wait(bg), loop.ErrNoRunningLoop)
		assert.ErrorIs(t, loop.WithTaskGroup(bg, func(context.Context, *loop.TaskGroup) error { return nil }), loop.ErrNoRunningLoop)
		assert.ErrorIs(t, loop.WithTaskGroup(noCtx, func(context.Context, *loop.TaskGroup) error { return nil }), future.ErrNil)
	})
}

func TestTaskGroupManyFailuresOnEveryWorker(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		const n = 100
		boom := errors.New("boom")
		var fs []*future.Future[int]
		err := inGroup(t, l, func(ctx context.Context, g *loop.TaskGroup) error {
			for i := range n {
				if i%2 == 0 {
					fs = append(fs, loop.CreateTaskIn(g, napFail[int](time.Second, boom)))
				} else {
					fs = append(fs, loop.CreateTaskIn(g, napThen(time.Hour, i)))
				}
			}
			return nil
		})
		require.ErrorIs(t, err, boom)
		assert.NotErrorIs(t, err, future.ErrCancelled)
		for i, f := range fs {
			require.True(t, f.IsDone(), "task %d finished before the group returned", i)
			if i%2 == 1 {
				assert.True(t, f.Cancelled(), "task %d was cancelled", i)
			}
		}
		mustWork(t, l)
	}, loop.WithVirtualTime())
}
