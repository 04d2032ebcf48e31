package future_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/looptest"
)

// The tests in this file run the combinators over task futures, awaited
// from a task, on both engines. This external package may import loop (loop
// imports future, not future_test), so there is no cycle.

// eachEngine runs a test on both loop engines.
func eachEngine(t *testing.T, test func(t *testing.T, l *loop.Loop)) { looptest.Each(t, test) }

// stepper returns a coroutine that yields turns times and then ends with v,
// or with err if err is not nil.
func stepper(turns, v int, err error) future.Coroutine[int] {
	return func(ctx context.Context) (int, error) {
		for range turns {
			if e := loop.Sleep(ctx, 0); e != nil {
				return 0, e
			}
		}
		return v, err
	}
}

// waiter returns a coroutine that waits for gate and then ends with its value.
func waiter(gate *future.Future[int]) future.Coroutine[int] {
	return func(ctx context.Context) (int, error) { return future.Await(ctx, gate) }
}

// spawn starts one task per coroutine.
func spawn(l *loop.Loop, cs ...future.Coroutine[int]) []*future.Future[int] {
	fs := make([]*future.Future[int], len(cs))
	for i, c := range cs {
		fs[i] = loop.CreateTask(l, c)
	}
	return fs
}

func TestCombinatorsInALoop(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")

	t.Run("All over tasks keeps argument order", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			v, err := loop.RunUntilComplete(ctx, l, future.Coroutine[[]int](func(ctx context.Context) ([]int, error) {
				// The later arguments finish first.
				return future.Await(ctx, future.All(spawn(l, stepper(3, 0, nil), stepper(2, 1, nil), stepper(0, 2, nil))...))
			}))
			require.NoError(t, err)
			assert.Equal(t, []int{0, 1, 2}, v)
		})
	})
	t.Run("All fails with the failing task's error and the others finish", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			var fs []*future.Future[int]
			_, err := loop.RunUntilComplete(ctx, l, future.Coroutine[[]int](func(ctx context.Context) ([]int, error) {
				fs = spawn(l, stepper(2, 0, nil), stepper(0, 0, boom))
				return future.Await(ctx, future.All(fs...))
			}))
			assert.ErrorIs(t, err, boom)
			v, err := loop.RunUntilComplete(ctx, l, fs[0])
			require.NoError(t, err, "the sibling was not cancelled")
			assert.Zero(t, v)
		})
	})
	t.Run("AllSettled, Any and Race over tasks", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			got, err := loop.RunUntilComplete(ctx, l, future.Coroutine[string](func(ctx context.Context) (string, error) {
				rs, err := future.Await(ctx, future.AllSettled(spawn(l, stepper(1, 1, nil), stepper(0, 0, boom))...))
				if err != nil {
					return "", err
				}
				a, err := future.Await(ctx, future.Any(spawn(l, stepper(0, 0, boom), stepper(1, 5, nil))...))
				if err != nil {
					return "", err
				}
				// The loser waits for a gate opened only after the race.
				gate := future.NewPromise[int]()
				racers := spawn(l, stepper(1, 2, nil), waiter(gate.Future()))
				r, err := future.Await(ctx, future.Race(racers...))
				if err != nil {
					return "", err
				}
				_ = gate.Resolve(0)
				if _, err := future.Await(ctx, racers[1]); err != nil {
					return "", fmt.Errorf("the loser: %w", err)
				}
				return fmt.Sprint(rs[0].Value, errors.Is(rs[1].Err, boom), a, r), nil
			}))
			require.NoError(t, err)
			assert.Equal(t, "1 true 5 2", got)
		})
	})
	t.Run("Catch and Finally over a task", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			cleaned := false
			v, err := loop.RunUntilComplete(ctx, l, future.Coroutine[int](func(ctx context.Context) (int, error) {
				task := loop.CreateTask(l, stepper(1, 0, boom))
				recovered := future.Catch(task, func(err error) (int, error) {
					if errors.Is(err, boom) {
						return 42, nil
					}
					return 0, err
				})
				return future.Await(ctx, future.Finally(recovered, func() { cleaned = true }))
			}))
			require.NoError(t, err)
			assert.Equal(t, 42, v)
			assert.True(t, cleaned)
		})
	})
	t.Run("RunUntilComplete drives a combined future", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			fs := spawn(l, stepper(1, 1, nil), stepper(0, 2, nil))
			v, err := loop.RunUntilComplete(ctx, l, future.All(fs...))
			require.NoError(t, err)
			assert.Equal(t, []int{1, 2}, v)
		})
	})
	t.Run("cancelling a task awaiting All cancels the result, not the inputs", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			gate := future.NewPromise[int]()
			v, err := loop.RunUntilComplete(ctx, l, future.Coroutine[int](func(ctx context.Context) (int, error) {
				input := loop.CreateTask(l, waiter(gate.Future()))
				handOver := future.NewPromise[*future.Future[[]int]]()
				parent := loop.CreateTask(l, func(ctx context.Context) (int, error) {
					all := future.All(input)
					_ = handOver.Resolve(all)
					_, err := future.Await(ctx, all)
					return 0, err
				})
				all, err := future.Await(ctx, handOver.Future())
				if err != nil {
					return 0, err
				}
				// All's own release callback is one; the parked parent's
				// wakeup makes two. Until then parent is not suspended.
				for future.PendingCallbacks(all) < 2 {
					if err := loop.Sleep(ctx, 0); err != nil {
						return 0, err
					}
				}
				parent.Cancel(errors.New("enough"))
				if _, err := future.Await(ctx, parent); !errors.Is(err, future.ErrCancelled) {
					return 0, fmt.Errorf("parent ended with %v, want a cancellation", err)
				}
				if !all.Cancelled() {
					return 0, errors.New("the result of All was not cancelled")
				}
				if input.IsDone() {
					return 0, errors.New("the input was cancelled with it")
				}
				_ = gate.Resolve(9)
				return future.Await(ctx, input)
			}))
			require.NoError(t, err)
			assert.Equal(t, 9, v)
		})
	})
}
