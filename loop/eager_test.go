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

// TestEagerStart follows CPython's test_eager_task_factory:
// test_eager_completion (a body that never suspends is done when
// CreateTask returns), test_current_task (CurrentTask is the new task
// during its eager step), test_block_after_eager_step (a body that
// suspends is pending, and finishes as a normal task) and
// test_cancellation_after_eager_step_blocks.
func TestEagerStart(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		inChild(t, func(t *testing.T) {
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				me := loop.CurrentTask(ctx)
				var during *loop.Task
				done := loop.CreateTask(l, func(ctx context.Context) (string, error) {
					during = loop.CurrentTask(ctx)
					return "hello", nil
				}, loop.EagerStart(ctx), loop.TaskName("eager"))
				if !done.IsDone() {
					return 0, errors.New("an eager task that never suspends is not done at once")
				}
				if v, err := done.Result(); v != "hello" || err != nil {
					return 0, errors.New("wrong result")
				}
				if during == nil || during.Name() != "eager" || during.Is(me) {
					return 0, errors.New("CurrentTask during the eager step is not the new task")
				}

				blocked := loop.CreateTask(l, func(ctx context.Context) (int, error) {
					return 5, loop.Sleep(ctx, 10*time.Millisecond)
				}, loop.EagerStart(ctx))
				if blocked.IsDone() {
					return 0, errors.New("a task that sleeps is done at once")
				}
				if v, err := future.Await(ctx, blocked); v != 5 || err != nil {
					return 0, errors.New("the blocked eager task did not finish")
				}

				yielder := loop.CreateTask(l, func(ctx context.Context) (int, error) {
					return 6, loop.Sleep(ctx, 0)
				}, loop.EagerStart(ctx))
				if v, err := future.Await(ctx, yielder); v != 6 || err != nil {
					return 0, errors.New("the yielding eager task did not finish")
				}

				never := future.NewPromise[int]()
				waiting := loop.CreateTask(l, func(ctx context.Context) (int, error) {
					return future.Await(ctx, never.Future())
				}, loop.EagerStart(ctx))
				waiting.Cancel(errors.New("cancellation message"))
				_, err := future.Await(ctx, waiting)
				if !errors.Is(err, future.ErrCancelled) {
					return 0, errors.New("cancelling after the eager step did not cancel")
				}
				return 0, nil
			})
			require.NoError(t, err)

			// Outside a task, EagerStart is ignored: the task starts as usual.
			lazy := loop.CreateTask(l, func(context.Context) (int, error) { return 1, nil }, loop.EagerStart(bg))
			assert.False(t, lazy.IsDone())
			v, err := loop.RunUntilComplete(bg, l, lazy)
			require.NoError(t, err)
			assert.Equal(t, 1, v)
			require.NoError(t, l.Close())
		})
	})
}

// TestEagerTaskFactory follows CPython's test_eager_task_factory
// (EagerTaskFactoryLoopTests: test_eager_completion, test_current_task,
// test_block_after_eager_step), with the factory set on the loop rather
// than per task: on the single-thread loop, tasks made by its coroutines
// and callbacks start eagerly; tasks made from another goroutine, or before
// the loop runs, start as usual. A pool cannot tell its own callers from
// others without a context, so there the factory changes nothing, and
// the tasks, run by its workers in parallel, may be done at any time: only
// their results are checked.
func TestEagerTaskFactory(t *testing.T) {
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			l := e.New(loop.WithEagerTaskFactory())
			defer func() { require.NoError(t, l.Close()) }()
			eager := e.Name == "single"
			before := loop.CreateTask(l, func(context.Context) (int, error) { return 1, nil })
			assert.False(t, before.IsDone(), "a task made before the loop runs starts as usual")
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				me := loop.CurrentTask(ctx)
				var during *loop.Task
				done := loop.CreateTask(l, func(ctx context.Context) (string, error) {
					during = loop.CurrentTask(ctx)
					return "hello", nil
				}, loop.TaskName("eager"))
				if eager {
					assert.True(t, done.IsDone(), "done when CreateTask returns")
				}
				v, err := future.Await(ctx, done)
				assert.NoError(t, err)
				assert.Equal(t, "hello", v)
				if assert.NotNil(t, during) {
					assert.Equal(t, "eager", during.Name(), "the name is set before the eager step")
					assert.False(t, during.Is(me))
				}

				blocked := loop.CreateTask(l, func(ctx context.Context) (int, error) {
					return 5, loop.Sleep(ctx, time.Millisecond)
				})
				assert.False(t, blocked.IsDone())
				n, err := future.Await(ctx, blocked)
				assert.NoError(t, err)
				assert.Equal(t, 5, n)

				// From a callback on the loop: asyncio starts it eagerly too.
				fromCallback := make(chan bool, 1)
				if _, err := l.CallSoon(func() {
					f := loop.CreateTask(l, func(context.Context) (int, error) { return 7, nil })
					fromCallback <- f.IsDone()
				}); err != nil {
					return 0, err
				}
				if err := loop.Sleep(ctx, 0); err != nil {
					return 0, err
				}
				if doneAtOnce := <-fromCallback; eager {
					assert.True(t, doneAtOnce, "a task made by a callback")
				}

				// From another goroutine: the loop is not running there.
				off := make(chan *future.Future[int])
				go func() { off <- loop.CreateTask(l, func(context.Context) (int, error) { return 8, nil }) }()
				f := <-off
				if eager { // (a pool's other worker may have run it by now)
					assert.False(t, f.IsDone(), "a task made off the loop starts as usual")
				}
				n, err = future.Await(ctx, f)
				assert.NoError(t, err)
				assert.Equal(t, 8, n)
				return 0, nil
			})
			require.NoError(t, err)
			v, err := before.Result()
			require.NoError(t, err)
			assert.Equal(t, 1, v)
		})
	}
}

// TestEagerTaskFactoryBesideAnotherLoop: while another loop runs in the
// process, the single-thread loop still starts its own tasks eagerly (it
// asks the OS for the thread), and a task made for it by the other loop's
// body starts as usual: run eagerly there, its body would be on the wrong
// thread, which the runtime makes a fatal error.
func TestEagerTaskFactoryBesideAnotherLoop(t *testing.T) {
	for _, other := range engines {
		t.Run(other.Name, func(t *testing.T) {
			inChild(t, func(t *testing.T) {
				l := loop.NewSingleThread(loop.WithEagerTaskFactory())
				defer func() { require.NoError(t, l.Close()) }()
				o := other.New()
				defer func() { require.NoError(t, o.Close()) }()

				type made struct {
					f          *future.Future[int]
					doneAtOnce bool
				}
				// The body below blocks its loop's thread on madeThere (a
				// plain receive, not an await), so that the task made by
				// the other loop cannot run here before IsDone is asked:
				// done at once then means it ran eagerly.
				madeThere := make(chan made, 1)
				release := future.NewPromise[struct{}]()
				otherDone := make(chan error, 1)
				_, err := run(t, l, func(ctx context.Context) (int, error) {
					go func() {
						_, err := loop.RunUntilComplete(bg, o, future.Coroutine[int](func(ctx context.Context) (int, error) {
							f := loop.CreateTask(l, func(context.Context) (int, error) { return 2, nil })
							madeThere <- made{f, f.IsDone()}
							_, err := future.Await(ctx, release.Future())
							return 0, err
						}))
						otherDone <- err
					}()
					there := <-madeThere
					assert.False(t, there.doneAtOnce, "a task made by another loop's body starts as usual")
					here := loop.CreateTask(l, func(context.Context) (int, error) { return 1, nil })
					assert.True(t, here.IsDone(), "eager beside another running loop")
					_ = release.Resolve(struct{}{})
					v, err := future.Await(ctx, there.f)
					assert.NoError(t, err)
					assert.Equal(t, 2, v)
					return 0, nil
				})
				require.NoError(t, err)
				require.NoError(t, <-otherDone)
			})
		})
	}
}
