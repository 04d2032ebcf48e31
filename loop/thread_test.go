package loop_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/internal/osthread"
)

func TestSingleThreadRunsEverythingOnItsThread(t *testing.T) {
	l := loop.NewSingleThread()
	defer l.Close()
	want := l.ThreadID()
	if want == 0 {
		t.Skip("no thread id on this platform")
	}
	require.NotEqual(t, osthread.ID(), want, "the test goroutine is not the loop thread")

	var seen []int
	record := func() { seen = append(seen, osthread.ID()) }
	inner := future.Coroutine[int](func(ctx context.Context) (int, error) {
		record() // nested await, before suspending
		p := future.NewPromise[int]()
		go func() { _ = p.Resolve(1) }() // resolved off the loop thread
		v, err := future.Await(ctx, p.Future())
		record() // nested await, after resuming
		return v, err
	})
	_, err := run(t, l, func(ctx context.Context) (int, error) {
		record()                                      // coroutine body
		if _, err := l.CallSoon(record); err != nil { // callback
			return 0, err
		}
		if err := loop.Sleep(ctx, 0); err != nil {
			return 0, err
		}
		record() // after a suspension
		if _, err := future.Await(ctx, inner); err != nil {
			return 0, err
		}
		child := loop.CreateTask(l, func(context.Context) (int, error) { record(); return 0, nil })
		if _, err := future.Await(ctx, child); err != nil {
			return 0, err
		}
		p := future.NewPromiseOn[int](l)
		_ = p.Future().AddDoneCallback(func(*future.Future[int]) { record() })
		_ = p.Resolve(0)
		return 0, loop.Sleep(ctx, 0)
	})
	require.NoError(t, err)
	require.Len(t, seen, 7)
	for i, tid := range seen {
		assert.Equal(t, want, tid, "record %d ran off the loop thread", i)
	}
}

func TestPoolHasNoThread(t *testing.T) {
	l := loop.NewPool()
	defer l.Close()
	assert.Zero(t, l.ThreadID())
}

// TestTasksShareCoroutinesSafely runs waves of tasks that return, panic
// and suspend, more of them at once than a loop keeps coroutines for, so
// that the single-thread engine hands finished tasks' coroutines on to new
// ones and stops those it cannot keep. Every body must still run on the
// loop's thread and every task must report its own result; the leak check
// in TestMain proves Close stops the coroutines kept for reuse.
func TestTasksShareCoroutinesSafely(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		const n = 600 // more than a loop keeps for reuse
		want := l.ThreadID()
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			for wave := range 3 {
				gate := future.NewPromise[int]()
				futs := make([]*future.Future[int], n)
				tids := make([]int, n)
				for i := range futs {
					futs[i] = loop.CreateTask(l, func(ctx context.Context) (int, error) {
						if want != 0 {
							tids[i] = osthread.ID()
						}
						switch i % 3 {
						case 0:
							return i, nil
						case 1:
							panic(i)
						default:
							v, err := future.Await(ctx, gate.Future())
							return i + v, err
						}
					})
				}
				if err := loop.Sleep(ctx, 0); err != nil { // every task runs to its end or its Await
					return 0, err
				}
				require.NoError(t, gate.Resolve(wave))
				for i, f := range futs {
					v, err := future.Await(ctx, f)
					switch i % 3 {
					case 0:
						assert.NoError(t, err)
						assert.Equal(t, i, v)
					case 1:
						var pe *future.PanicError
						if assert.ErrorAs(t, err, &pe) {
							assert.Equal(t, i, pe.Value)
						}
					default:
						assert.NoError(t, err)
						assert.Equal(t, i+wave, v)
					}
					if want != 0 {
						assert.Equal(t, want, tids[i], "task %d ran off the loop thread", i)
					}
				}
			}
			return 0, nil
		})
		require.NoError(t, err)
	})
}
