package loop_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// ticker counts the loop's iterations: a callback that schedules itself
// again runs once per iteration.
type ticker struct {
	l *loop.Loop
	n int
}

func (tk *ticker) tick() {
	tk.n++
	_, _ = tk.l.CallSoon(tk.tick)
}

// TestRunUntilCompleteTakesAsyncioIterations: asyncio's run_until_complete
// of a coroutine that returns at once takes two iterations (the task's
// step, then the done callback that stops the loop, both through
// call_soon); of a future already done, one (base_events: run_until_complete
// adds _run_until_complete_cb, which add_done_callback schedules with
// call_soon). Only the single-thread loop has iterations.
func TestRunUntilCompleteTakesAsyncioIterations(t *testing.T) {
	l := loop.NewSingleThread()
	defer l.Close()
	tk := &ticker{l: l}
	_, err := l.CallSoon(tk.tick)
	require.NoError(t, err)
	_, err = run(t, l, func(context.Context) (int, error) { return 1, nil })
	require.NoError(t, err)
	assert.Equal(t, 2, tk.n, "iterations for a coroutine")

	tk.n = 0
	p := future.NewPromise[int]()
	_ = p.Resolve(1)
	_, err = loop.RunUntilComplete(bg, l, p.Future())
	require.NoError(t, err)
	assert.Equal(t, 1, tk.n, "iterations for a done future")
}

// TestWaitWakesItsCallerAsAsyncioDoes: A returns at once and B after one
// Sleep(0). asyncio.wait(FIRST_COMPLETED) resumes its caller two
// iterations after A completes (A's done callback runs through call_soon
// and resolves the waiter, whose wakeup goes through call_soon again), by
// when B is done too: done = {A, B}. Wait used to wake its caller at once
// and report only A. AsCompleted hands each completion on the same way.
func TestWaitWakesItsCallerAsAsyncioDoes(t *testing.T) {
	l := loop.NewSingleThread()
	defer l.Close()
	done, err := run(t, l, func(ctx context.Context) (int, error) {
		a := loop.CreateTask(l, func(context.Context) (int, error) { return 1, nil })
		b := loop.CreateTask(l, func(ctx context.Context) (int, error) { return 2, loop.Sleep(ctx, 0) })
		done, _, err := loop.Wait(ctx, []*future.Future[int]{a, b}, loop.FirstCompleted, 0)
		return len(done), err
	})
	require.NoError(t, err)
	assert.Equal(t, 2, done, "futures done when Wait returned")
}

// TestWaitAndAsCompletedTakeCoroutinesAndSlices: a slice of coroutines
// runs each as a task (asyncio.as_completed wraps coroutines in tasks; the
// old asyncio.wait did too), a []*future.Future[T] needs no conversion,
// and a mixed []future.Awaitable[T] works.
func TestWaitAndAsCompletedTakeCoroutinesAndSlices(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		got, err := run(t, l, func(ctx context.Context) (int, error) {
			cs := []future.Coroutine[int]{napThen(0, 1), napThen(0, 2)}
			done, pending, err := loop.Wait(ctx, cs, loop.AllCompleted, 0)
			if err != nil || len(done) != 2 || len(pending) != 0 {
				return 0, err
			}
			sum := 0
			for _, f := range done {
				v, _ := f.Result()
				sum += v
			}
			p := future.NewPromise[int]()
			_ = p.Resolve(10)
			mixed := []future.Awaitable[int]{p.Future(), napThen(0, 100)}
			for v, err := range loop.AsCompleted(ctx, mixed...) {
				if err != nil {
					return 0, err
				}
				sum += v
			}
			return sum, nil
		})
		require.NoError(t, err)
		assert.Equal(t, 113, got)
	})
}
