package loop_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

var bg = context.Background()

// run is RunUntilComplete of a coroutine body on l.
func run[T any](t *testing.T, l *loop.Loop, body func(ctx context.Context) (T, error)) (T, error) {
	t.Helper()
	return loop.RunUntilComplete(bg, l, future.Coroutine[T](body))
}

// runWithin is run for a test of a hang: it runs body on l from another
// goroutine and returns its error, or ok false if it has not returned
// within limit (long enough that only a hang, not a slow machine, misses
// it). A hung loop is left running.
func runWithin(t *testing.T, l *loop.Loop, limit time.Duration, body func(ctx context.Context) (int, error)) (err error, ok bool) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := run(t, l, body)
		done <- err
	}()
	select {
	case err := <-done:
		return err, true
	case <-time.After(limit):
		return nil, false
	}
}

// mustWork proves l still runs coroutines and callbacks after a test
// provoked an error.
func mustWork(t *testing.T, l *loop.Loop) {
	t.Helper()
	v, err := run(t, l, func(ctx context.Context) (int, error) {
		p := future.NewPromiseOn[int](l)
		if _, err := l.CallSoon(func() { _ = p.Resolve(41) }); err != nil {
			return 0, err
		}
		v, err := future.Await(ctx, p.Future())
		return v + 1, err
	})
	require.NoError(t, err, "the loop still works")
	require.Equal(t, 42, v)
}

func TestRunUntilCompleteReturnsTypedResult(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		v, err := run(t, l, func(context.Context) (string, error) { return "result", nil })
		require.NoError(t, err)
		assert.Equal(t, "result", v)

		want := errors.New("failed")
		_, err = run(t, l, func(context.Context) (int, error) { return 0, want })
		assert.ErrorIs(t, err, want)
	})
}

func TestRunUntilCompleteAcceptsAFuture(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		p := future.NewPromiseOn[int](l)
		_, err := l.CallSoon(func() { _ = p.Resolve(5) })
		require.NoError(t, err)
		v, err := loop.RunUntilComplete(bg, l, p.Future())
		require.NoError(t, err)
		assert.Equal(t, 5, v)
	})
}

// TestAnEndedRunsStopDoesNotStopTheNext ends a RunUntilComplete of a
// future through its context, with the future still pending, and then
// completes that future in the next run. The first run's stop callback
// then runs in the second: it must not stop it. (On the pool it used to
// freeze the second run's queue, and the run never returned.)
func TestAnEndedRunsStopDoesNotStopTheNext(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		pending := future.NewPromise[int]()
		ctx, cancel := context.WithCancel(bg)
		defer cancel()
		_, err := l.CallSoonThreadsafe(cancel) // runs once the first run starts
		require.NoError(t, err)
		_, err = loop.RunUntilComplete(ctx, l, pending.Future())
		require.ErrorIs(t, err, context.Canceled)

		err, ok := runWithin(t, l, 30*time.Second, func(ctx context.Context) (int, error) {
			_ = pending.Resolve(1) // posts the first run's stop callback
			for range 10 {
				if err := loop.Sleep(ctx, 0); err != nil {
					return 0, err
				}
			}
			return 0, loop.Sleep(ctx, time.Millisecond)
		})
		require.True(t, ok, "the first run's stop callback stopped the second run")
		require.NoError(t, err)
		mustWork(t, l)
	})
}

func TestNothingRunsOutsideRunUntilComplete(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var ran atomic.Bool
		_, err := l.CallSoon(func() { ran.Store(true) })
		require.NoError(t, err)
		task := loop.CreateTask(l, func(context.Context) (int, error) { return 1, nil })
		assert.False(t, task.IsDone())
		assert.False(t, ran.Load(), "asyncio runs callbacks only while the loop runs")
		v, err := loop.RunUntilComplete(bg, l, task)
		require.NoError(t, err)
		assert.Equal(t, 1, v)
		assert.True(t, ran.Load())
	})
}

func TestTasksInterleaveAtSuspensionPoints(t *testing.T) {
	// On one thread the order is asyncio's: FIFO at every sleep(0).
	l := loop.NewSingleThread()
	defer l.Close()
	var log []string
	worker := func(name string) future.Coroutine[struct{}] {
		return func(ctx context.Context) (struct{}, error) {
			for i := range 3 {
				log = append(log, fmt.Sprintf("%s%d", name, i))
				if err := loop.Sleep(ctx, 0); err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, nil
		}
	}
	_, err := run(t, l, func(ctx context.Context) (int, error) {
		a := loop.CreateTask(l, worker("a"))
		b := loop.CreateTask(l, worker("b"))
		if _, err := future.Await(ctx, a); err != nil {
			return 0, err
		}
		_, err := future.Await(ctx, b)
		return 0, err
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"a0", "b0", "a1", "b1", "a2", "b2"}, log)
}

func TestAwaitPendingFutureSuspendsTheTask(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		t.Run("resolved by another task", func(t *testing.T) {
			v, err := run(t, l, func(ctx context.Context) (int, error) {
				p := future.NewPromiseOn[int](l)
				loop.CreateTask(l, func(context.Context) (int, error) { return 0, p.Resolve(9) })
				return future.Await(ctx, p.Future())
			})
			require.NoError(t, err)
			assert.Equal(t, 9, v)
		})
		t.Run("resolved by a goroutine outside the loop", func(t *testing.T) {
			v, err := run(t, l, func(ctx context.Context) (int, error) {
				p := future.NewPromise[int]()
				go func() { _ = p.Resolve(10) }()
				return future.Await(ctx, p.Future())
			})
			require.NoError(t, err)
			assert.Equal(t, 10, v)
		})
		t.Run("through a context derived from the task's", func(t *testing.T) {
			v, err := run(t, l, func(ctx context.Context) (int, error) {
				dctx, cancel := context.WithCancel(ctx)
				defer cancel()
				p := future.NewPromise[int]()
				// On one thread, a blocking wait here would deadlock: the
				// resolving task could never run.
				loop.CreateTask(l, func(context.Context) (int, error) { return 0, p.Resolve(11) })
				return future.Await(dctx, p.Future())
			})
			require.NoError(t, err)
			assert.Equal(t, 11, v)
		})
		t.Run("a derived context ending abandons the wait", func(t *testing.T) {
			cause := errors.New("deadline of my own")
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				dctx, cancel := context.WithCancelCause(ctx)
				p := future.NewPromise[int]()
				loop.CreateTask(l, func(context.Context) (int, error) { cancel(cause); return 0, nil })
				_, err := future.Await(dctx, p.Future())
				if p.Future().IsDone() {
					return 0, errors.New("the future was touched")
				}
				return 0, err
			})
			assert.ErrorIs(t, err, cause)
		})
	})
}

func TestAwaitCompletedFutureDoesNotSuspend(t *testing.T) {
	l := loop.NewSingleThread()
	defer l.Close()
	var log []string
	_, err := run(t, l, func(ctx context.Context) (int, error) {
		p := future.NewPromise[int]()
		_ = p.Resolve(1)
		other := loop.CreateTask(l, func(context.Context) (int, error) {
			log = append(log, "other")
			return 0, nil
		})
		_ = loop.Sleep(ctx, 0) // let other start... it runs now
		log = append(log, "before")
		_, _ = future.Await(ctx, p.Future())
		log = append(log, "after") // no other task ran in between
		_, err := future.Await(ctx, other)
		return 0, err
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"other", "before", "after"}, log)
}

func TestPoolServesManySuspendedCoroutinesWithFewWorkers(t *testing.T) {
	l := loop.NewPool(loop.WithWorkers(2))
	defer l.Close()
	const n = 1000
	var suspended atomic.Int32
	gate := future.NewPromise[int]()
	v, err := run(t, l, func(ctx context.Context) (int, error) {
		tasks := make([]*future.Future[int], n)
		for i := range tasks {
			tasks[i] = loop.CreateTask(l, func(ctx context.Context) (int, error) {
				suspended.Add(1)
				g, err := future.Await(ctx, gate.Future())
				return g + 1, err
			})
		}
		for suspended.Load() < n {
			if err := loop.Sleep(ctx, 0); err != nil {
				return 0, err
			}
		}
		_ = gate.Resolve(1)
		sum := 0
		for _, f := range tasks {
			v, err := future.Await(ctx, f)
			if err != nil {
				return 0, err
			}
			sum += v
		}
		return sum, nil
	})
	require.NoError(t, err)
	assert.Equal(t, 2*n, v)
}

func TestPoolRunsInParallel(t *testing.T) {
	l := loop.NewPool(loop.WithWorkers(2))
	defer l.Close()
	// Two callbacks that each wait for the other: only parallel workers can
	// finish them.
	a, b := make(chan struct{}), make(chan struct{})
	_, err := run(t, l, func(ctx context.Context) (int, error) {
		done := future.NewPromise[int]()
		_, _ = l.CallSoonThreadsafe(func() { close(a); <-b })
		_, _ = l.CallSoonThreadsafe(func() { close(b); <-a; _ = done.Resolve(0) })
		return future.Await(ctx, done.Future())
	})
	require.NoError(t, err)
}

// TestPoolStartsAWorkerForEachPostOfABurst posts two callbacks that wait
// for each other while the main task keeps its own worker busy, so only
// the two other workers can finish them. Only the post that makes the
// queue non-empty starts workers: this checks that it starts both, however
// the second post interleaves with the first worker's pop.
func TestPoolStartsAWorkerForEachPostOfABurst(t *testing.T) {
	l := loop.NewPool(loop.WithWorkers(3))
	defer l.Close()
	err, ok := runWithin(t, l, 30*time.Second, func(ctx context.Context) (int, error) {
		for range 500 {
			a, b := make(chan struct{}), make(chan struct{})
			both := make(chan struct{})
			_, _ = l.CallSoonThreadsafe(func() { close(a); <-b })
			_, _ = l.CallSoonThreadsafe(func() { close(b); <-a; close(both) })
			<-both // holding this task's worker: the others must run both
		}
		return 0, nil
	})
	require.True(t, ok, "a posted callback found no worker")
	require.NoError(t, err)
}

func TestCallSoonIsFIFOAndCancellable(t *testing.T) {
	l := loop.NewSingleThread()
	defer l.Close()
	var got []int
	_, err := run(t, l, func(ctx context.Context) (int, error) {
		var hs []loop.Handle
		for i := range 5 {
			h, err := l.CallSoon(func() { got = append(got, i) })
			if err != nil {
				return 0, err
			}
			hs = append(hs, h)
		}
		hs[2].Cancel()
		hs[2].Cancel() // twice is harmless
		return 0, loop.Sleep(ctx, 0)
	})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 3, 4}, got)
}

func TestHandleCancelWorksFromOtherGoroutines(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var ran atomic.Bool
		h, err := l.CallSoonThreadsafe(func() { ran.Store(true) })
		require.NoError(t, err)
		var wg sync.WaitGroup
		wg.Go(h.Cancel)
		wg.Wait()
		mustWork(t, l)
		assert.False(t, ran.Load())
		loop.Handle{}.Cancel() // the zero handle is harmless
	})
}

func TestGetRunningLoop(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		got, err := run(t, l, func(ctx context.Context) (*loop.Loop, error) {
			type key struct{}
			return loop.GetRunningLoop(context.WithValue(ctx, key{}, 1))
		})
		require.NoError(t, err)
		assert.Same(t, l, got)
		_, err = loop.GetRunningLoop(bg)
		assert.ErrorIs(t, err, loop.ErrNoRunningLoop)
		assert.ErrorIs(t, loop.Sleep(bg, 0), loop.ErrNoRunningLoop)
	})
}

// As asyncio's run_until_complete, the run ends with the iteration that
// holds its stop: done callbacks of the main future, queued beside the
// stop, still run. (An earlier version lost them.)
func TestRunUntilCompleteRunsTheMainFuturesDoneCallbacks(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var r recorder
		p := future.NewPromiseOn[int](l)
		for _, name := range []string{"first", "second"} {
			require.NoError(t, p.Future().AddDoneCallback(func(*future.Future[int]) { r.add(name) }))
		}
		_, err := l.CallSoon(func() { _ = p.Resolve(1) })
		require.NoError(t, err)
		_, err = loop.RunUntilComplete(bg, l, p.Future())
		require.NoError(t, err)
		if l.ThreadID() != 0 {
			assert.Equal(t, []string{"first", "second"}, r.list())
		} else {
			// The pool starts them in order, on workers that run in
			// parallel: either may record first.
			assert.ElementsMatch(t, []string{"first", "second"}, r.list())
		}

		// And for a coroutine that registers callbacks on a future it
		// completes as it returns.
		var r2 recorder
		_, err = run(t, l, func(ctx context.Context) (int, error) {
			q := future.NewPromiseOn[int](l)
			if err := q.Future().AddDoneCallback(func(*future.Future[int]) { r2.add("callback") }); err != nil {
				return 0, err
			}
			return 0, q.Resolve(2)
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"callback"}, r2.list())
	})
}

// TestCallSoonThreadsafeFromManyGoroutines posts a stream of callbacks
// from several goroutines while the loop runs, many more than fit in one
// of the inbox's segments, with some handles cancelled. Every callback not
// cancelled runs exactly once, each goroutine's in the order it posted
// them.
func TestCallSoonThreadsafeFromManyGoroutines(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		const posters, each = 3, 2000
		var mu sync.Mutex // the pool runs callbacks on several workers
		got := make([][]int, posters)
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			var left atomic.Int32
			left.Store(posters)
			all := future.NewPromiseOn[int](l)
			for p := range posters {
				go func() {
					for i := range each {
						h, err := l.CallSoonThreadsafe(func() {
							mu.Lock()
							got[p] = append(got[p], i)
							mu.Unlock()
						})
						assert.NoError(t, err)
						if i%10 == 9 {
							h.Cancel()
						}
					}
					// After this goroutine's last post, so it runs after them.
					_, err := l.CallSoonThreadsafe(func() {
						if left.Add(-1) == 0 {
							_ = all.Resolve(0)
						}
					})
					assert.NoError(t, err)
				}()
			}
			return future.Await(ctx, all.Future())
		})
		require.NoError(t, err)
		mu.Lock()
		defer mu.Unlock()
		for p, seq := range got {
			var want []int
			for i := range each {
				// A cancelled handle's callback may have run before the
				// cancel: only those not yet run are skipped.
				if i%10 != 9 || slices.Contains(seq, i) {
					want = append(want, i)
				}
			}
			if l.ThreadID() != 0 {
				assert.Equal(t, want, seq, "poster %d", p)
			} else {
				assert.ElementsMatch(t, want, seq, "poster %d", p)
			}
		}
	})
}

// TestPostsRacingTheLoopToSleepAreNotLost is a smoke test of the
// single-thread loop's sleep protocol under load: a goroutine posts streams
// of callbacks of varied length and waits after each for its last callback
// to run, so the loop keeps catching up with a stream and going to sleep as
// a post is being written. Every stream's last callback must run; a
// watchdog turns a lost one into a failure instead of a hang. The window it
// probes is nanoseconds wide, and the old protocol passed it too:
// TestTheLoopDoesNotSleepOnAPostBeingWritten is the test that pins the
// lost wakeup down.
func TestPostsRacingTheLoopToSleepAreNotLost(t *testing.T) {
	streams := 1000
	if raceEnabled {
		// The race build stamps posts with a sequentially consistent
		// store anyway (see storeRelease); fewer streams keep it short.
		streams = 100
	}
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			done := future.NewPromiseOn[int](l)
			go func() {
				ran := make(chan struct{}, 1)
				last := func() { ran <- struct{}{} }
				for i := range streams {
					for range i * 37 % 4000 {
						if _, err := l.CallSoonThreadsafe(func() {}); err != nil {
							_ = done.Reject(err)
							return
						}
					}
					if _, err := l.CallSoonThreadsafe(last); err != nil {
						_ = done.Reject(err)
						return
					}
					select {
					case <-ran:
					case <-time.After(10 * time.Second):
						_ = done.Reject(fmt.Errorf("stream %d: its last callback never ran", i))
						return
					}
				}
				_ = done.Resolve(streams)
			}()
			return future.Await(ctx, done.Future())
		})
		require.NoError(t, err)
	})
}

// TestCancelledHandlesNeverRunOnManyWorkers queues callbacks on an idle
// pool of eight workers, cancels every second handle, and runs the loop:
// no cancelled callback may run. (Workers once recorded each dispatch after
// taking the entry from the queue, so one could move the watermark past an
// entry that another had taken but not yet checked, and that entry's
// cancellation was forgotten.)
func TestCancelledHandlesNeverRunOnManyWorkers(t *testing.T) {
	const rounds, n = 50, 400
	for round := range rounds {
		l := loop.NewPool(loop.WithWorkers(8))
		var cancelledRan atomic.Int32
		var left atomic.Int32
		left.Store(n / 2)
		all := future.NewPromise[int]()
		hs := make([]loop.Handle, n)
		for i := range hs {
			h, err := l.CallSoon(func() {
				if i%2 == 0 {
					cancelledRan.Add(1)
				} else if left.Add(-1) == 0 {
					_ = all.Resolve(0)
				}
			})
			require.NoError(t, err)
			hs[i] = h
		}
		for i := 0; i < n; i += 2 {
			hs[i].Cancel()
		}
		_, err := loop.RunUntilComplete(bg, l, future.Coroutine[int](func(ctx context.Context) (int, error) {
			return future.Await(ctx, all.Future())
		}))
		require.NoError(t, err)
		require.NoError(t, l.Close())
		require.Zero(t, cancelledRan.Load(), "round %d: cancelled callbacks ran", round)
	}
}

// TestCallSoonWhileAnotherGoroutinePostsInAStream schedules callbacks from
// the loop while another goroutine keeps posting to it. Before CallSoon
// queues its callback, the single-thread loop moves what was posted into
// its ready queue, up to the last post it saw. It once took posts made
// after that as well, went past the position it waited for, and spun for
// ever.
func TestCallSoonWhileAnotherGoroutinePostsInAStream(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		const local, streamed = 20_000, 200_000
		var ran, ranPosted atomic.Int64 // the pool runs callbacks on its workers
		err, ok := runWithin(t, l, 30*time.Second, func(ctx context.Context) (int, error) {
			go func() {
				for range streamed {
					if _, err := l.CallSoonThreadsafe(func() { ranPosted.Add(1) }); err != nil {
						return
					}
				}
			}()
			for i := range local {
				if _, err := l.CallSoon(func() { ran.Add(1) }); err != nil {
					return 0, err
				}
				if i%64 == 63 {
					if err := loop.Sleep(ctx, 0); err != nil {
						return 0, err
					}
				}
			}
			for ran.Load() < local || ranPosted.Load() < streamed {
				if err := loop.Sleep(ctx, 0); err != nil {
					return 0, err
				}
			}
			return 0, nil
		})
		require.True(t, ok, "the loop stopped making progress while posts streamed in")
		require.NoError(t, err)
	})
}

// TestAMisusedSleepLeavesNoMark has task B call Sleep with the context of
// task A while A waits in a sleep(0) on the single-thread loop. The call is
// refused with ErrWrongGoroutine (a yield is claimed, as a park is; before
// the claim the runtime refused the switch and B failed with a panic
// error), and must leave no mark: a mark that outlived the call once made
// A's next suspension, then that of the next task given the coroutine, be
// taken for a sleep(0). Here both end in runtime.Goexit, which the mark
// turned into a leaked coroutine. (On the pool, see
// TestPoolRefusesAnotherTasksContextWhileATaskYields.)
func TestAMisusedSleepLeavesNoMark(t *testing.T) {
	before := goleak.IgnoreCurrent() // what earlier tests may still be ending
	l := loop.NewSingleThread()
	var bErr error // B's, read once A has awaited B
	_, err := run(t, l, func(ctx context.Context) (int, error) {
		a := loop.CreateTask(l, func(ctxA context.Context) (int, error) {
			b := loop.CreateTask(l, func(context.Context) (int, error) {
				return 0, loop.Sleep(ctxA, 0) // the wrong task's context
			})
			if err := loop.Sleep(ctxA, 0); err != nil { // B runs meanwhile
				return 0, err
			}
			_, bErr = future.Await(ctxA, b)
			runtime.Goexit()
			return 0, nil
		})
		if _, err := future.Await(ctx, a); !errors.Is(err, future.ErrGoexit) {
			return 0, fmt.Errorf("A: got %v, want ErrGoexit", err)
		}
		if !errors.Is(bErr, future.ErrWrongGoroutine) {
			return 0, fmt.Errorf("B's sleep on A's context: got %v, want ErrWrongGoroutine", bErr)
		}
		c := loop.CreateTask(l, func(context.Context) (int, error) { runtime.Goexit(); return 0, nil })
		if _, err := future.Await(ctx, c); !errors.Is(err, future.ErrGoexit) {
			return 0, fmt.Errorf("C: got %v, want ErrGoexit", err)
		}
		return 0, nil
	})
	require.NoError(t, err)
	mustWork(t, l)
	require.NoError(t, l.Close())
	goleak.VerifyNone(t, before) // both coroutines were reclaimed
}

// TestPoolRefusesAnotherTasksContextWhileATaskYields has task B, on a pool
// of one worker, Sleep and Await with the context of task A while A waits
// in a sleep(0). Both return ErrWrongGoroutine and leave A alone; they used
// to queue A a second time from B's goroutine. (On the single-thread loop,
// see TestAMisusedSleepLeavesNoMark.)
func TestPoolRefusesAnotherTasksContextWhileATaskYields(t *testing.T) {
	l := loop.NewPool(loop.WithWorkers(1))
	defer func() { require.NoError(t, l.Close()) }()
	v, err := run(t, l, func(ctx context.Context) (int, error) {
		var sleepErr, awaitErr error // B's, read by A after awaiting B
		a := loop.CreateTask(l, func(ctxA context.Context) (int, error) {
			b := loop.CreateTask(l, func(context.Context) (int, error) {
				// A is yielding: with one worker, B runs only then.
				sleepErr = loop.Sleep(ctxA, 0)
				_, awaitErr = future.Await(ctxA, future.NewPromise[int]().Future())
				return 0, nil
			})
			if err := loop.Sleep(ctxA, 0); err != nil {
				return 0, err
			}
			if _, err := future.Await(ctxA, b); err != nil {
				return 0, err
			}
			if !errors.Is(sleepErr, future.ErrWrongGoroutine) || !errors.Is(awaitErr, future.ErrWrongGoroutine) {
				return 0, fmt.Errorf("B's Sleep: %v, Await: %v; want ErrWrongGoroutine for both", sleepErr, awaitErr)
			}
			return 7, loop.Sleep(ctxA, 0) // A still yields as it should
		})
		return future.Await(ctx, a)
	})
	require.NoError(t, err)
	assert.Equal(t, 7, v)
	mustWork(t, l)
}

// TestPoolStopsWhileTasksAreWokenAndCancelled ends the main task of a pool
// loop while its other tasks await futures that other goroutines resolve
// and cancellations arrive from two more. A task whose Await found its
// future done, or a cancellation pending, just as a wake claimed it used to
// wait for that wake's resume holding its worker's permit; when the loop
// was stopping, the resume lay past the stop, no worker took it, and
// RunUntilComplete waited for the permit for ever. The race is narrow: the
// test runs rounds for a few seconds (without the fix, about half of such
// runs hung).
func TestPoolStopsWhileTasksAreWokenAndCancelled(t *testing.T) {
	const tasks, awaits = 8, 300
	for start, round := time.Now(), 0; time.Since(start) < 3*time.Second; round++ {
		l := loop.NewPool(loop.WithWorkers(2))
		futs := make([]*future.Future[int], tasks)
		stop := make(chan struct{})
		var cancellers sync.WaitGroup
		err, ok := runWithin(t, l, 10*time.Second, func(ctx context.Context) (int, error) {
			for i := range futs {
				futs[i] = loop.CreateTask(l, func(ctx context.Context) (int, error) {
					for k := range awaits {
						p := future.NewPromiseOn[int](l)
						go func() { _ = p.Resolve(k) }()
						_, _ = future.Await(ctx, p.Future()) // cancellations too
					}
					return 0, nil
				})
			}
			for g := range 2 {
				cancellers.Go(func() {
					for i := g; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						futs[i%tasks].Cancel(errors.New("stop"))
					}
				})
			}
			for range 3 {
				if err := loop.Sleep(ctx, 0); err != nil {
					return 0, err
				}
			}
			return 0, nil
		})
		if !ok {
			close(stop)
			t.Fatalf("round %d: RunUntilComplete did not return after its main task ended", round)
		}
		require.NoError(t, err)
		close(stop)
		cancellers.Wait()
		require.NoError(t, l.Close())
	}
}

// TestHandleCancelled follows CPython's test_events.HandleTests.test_handle
// (cancel, then cancelled() is true) on both engines, for handles from
// CallSoon and from CallSoonThreadsafe on several goroutines: more of them
// than a slab of flags holds, each answering for itself, copies included,
// and a cancel after the callback ran still counts, as in asyncio.
func TestHandleCancelled(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		const posters, each = 4, 100
		var ran [posters * each]atomic.Bool
		hs := make([]loop.Handle, posters*each)
		var wg sync.WaitGroup
		for p := range posters {
			wg.Go(func() {
				for j := range each {
					i := p*each + j
					h, err := l.CallSoonThreadsafe(func() { ran[i].Store(true) })
					assert.NoError(t, err)
					hs[i] = h
					if i%3 == 0 {
						h.Cancel()
					}
				}
			})
		}
		wg.Wait()
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			local := make([]loop.Handle, 300)
			for i := range local {
				h, err := l.CallSoon(func() {})
				if err != nil {
					return 0, err
				}
				local[i] = h
			}
			copied := local[7]
			copied.Cancel()
			for i, h := range local {
				assert.Equal(t, i == 7, h.Cancelled(), "local handle %d", i)
			}
			return 0, loop.Sleep(ctx, 0)
		})
		require.NoError(t, err)
		for i, h := range hs {
			assert.Equal(t, i%3 == 0, h.Cancelled(), "posted handle %d", i)
			assert.Equal(t, i%3 != 0, ran[i].Load(), "posted callback %d ran", i)
		}
		hs[1].Cancel() // after it ran: asyncio still reports it cancelled
		assert.True(t, hs[1].Cancelled())
		assert.False(t, loop.Handle{}.Cancelled())
	})
}
