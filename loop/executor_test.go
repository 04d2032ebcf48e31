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

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/internal/osthread"
)

func TestToThreadRunsOffTheLoopAndComesBack(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		type threads struct{ job, after int }
		got, err := run(t, l, func(ctx context.Context) (threads, error) {
			job, err := loop.ToThread(ctx, func(context.Context) (int, error) {
				return osthread.ID(), nil
			})
			return threads{job, osthread.ID()}, err
		})
		require.NoError(t, err)
		if tid := l.ThreadID(); tid != 0 {
			assert.NotEqual(t, tid, got.job, "the job ran off the loop thread")
			assert.Equal(t, tid, got.after, "the coroutine resumed on the loop thread")
		}
	})
}

func TestCancellingTheAwaiterCancelsTheJob(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		cause := errors.New("no longer needed")
		started := make(chan struct{})
		var sawCause atomic.Value
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			f := loop.RunInExecutor(ctx, l, func(ctx context.Context) (int, error) {
				close(started)
				<-ctx.Done()
				sawCause.Store(context.Cause(ctx))
				return 0, ctx.Err()
			})
			var awaiting atomic.Bool
			awaiter := loop.CreateTask(l, func(ctx context.Context) (int, error) {
				awaiting.Store(true)
				return future.Await(ctx, f)
			})
			// Wait off the loop for the job to start.
			if _, err := loop.ToThread(ctx, func(context.Context) (struct{}, error) {
				<-started
				return struct{}{}, nil
			}); err != nil {
				return 0, err
			}
			// Wait for the awaiter to suspend on f: it sets the flag in the
			// step that suspends, and with one worker, that step has ended
			// by the time this task runs again. (A task cancelled before it
			// awaits sees the cancellation at its Await, and f is left
			// alone, as in asyncio.)
			for !awaiting.Load() {
				if err := loop.Sleep(ctx, 0); err != nil {
					return 0, err
				}
			}
			awaiter.Cancel(cause)
			_, err := future.Await(ctx, awaiter)
			return 0, err
		})
		require.ErrorIs(t, err, future.ErrCancelled)
		require.ErrorIs(t, err, cause)
		mustWork(t, l)                                    // Close, in eachEngine, waits for the job
		require.NoError(t, l.Close())                     // so that sawCause is set
		assert.ErrorIs(t, sawCause.Load().(error), cause) // the job saw why
	}, loop.WithWorkers(1))
}

func TestExecutorIsBounded(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		const slots, jobs = 2, 6
		var running, most atomic.Int32
		started := make(chan struct{}, jobs)
		gate := make(chan struct{})
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			var fs []*future.Future[int]
			for i := range jobs {
				fs = append(fs, loop.RunInExecutor(ctx, l, func(context.Context) (int, error) {
					n := running.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					started <- struct{}{}
					<-gate
					running.Add(-1)
					return i, nil
				}))
			}
			// Let the slots fill before opening the gate. Not ToThread:
			// with every slot taken, it would wait behind the jobs.
			go func() {
				for range slots {
					<-started
				}
				close(gate)
			}()
			for i, f := range fs {
				if v, err := future.Await(ctx, f); err != nil || v != i {
					return 0, errors.Join(err, errors.New("wrong result"))
				}
			}
			return 0, nil
		})
		require.NoError(t, err)
		assert.LessOrEqual(t, most.Load(), int32(slots))
	}, loop.WithExecutorWorkers(2))
}

func TestExecutorJobPanicBecomesAnError(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			return loop.ToThread(ctx, func(context.Context) (int, error) { panic("job exploded") })
		})
		var pe *future.PanicError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "job exploded", pe.Value)
		assert.NotEmpty(t, pe.Stack)
		mustWork(t, l)
	})
}

func TestExecutorBadInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		f := loop.RunInExecutor[int](bg, l, nil)
		assert.ErrorIs(t, f.Err(), future.ErrNil)
		//lint:ignore SA1012 a nil context is the bad input under test
		f = loop.RunInExecutor(nil, l, func(context.Context) (int, error) { return 1, nil })
		assert.ErrorIs(t, f.Err(), future.ErrNil)
		_, err := loop.ToThread(bg, func(context.Context) (int, error) { return 1, nil })
		assert.ErrorIs(t, err, loop.ErrNoRunningLoop)
		mustWork(t, l)
	})
	for _, e := range engines {
		l := e.New()
		require.NoError(t, l.Close())
		f := loop.RunInExecutor(bg, l, func(context.Context) (int, error) { return 1, nil })
		assert.ErrorIs(t, f.Err(), loop.ErrClosed)
	}
}

func TestCloseCancelsAndWaitsForJobs(t *testing.T) {
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			l := e.New()
			started := make(chan struct{})
			var finished atomic.Bool
			var cause error
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				loop.RunInExecutor(ctx, l, func(ctx context.Context) (int, error) {
					close(started)
					<-ctx.Done()
					cause = context.Cause(ctx)
					finished.Store(true)
					return 0, nil
				})
				return loop.ToThread(ctx, func(context.Context) (int, error) { <-started; return 0, nil })
			})
			require.NoError(t, err)
			require.NoError(t, l.Close())
			assert.True(t, finished.Load(), "Close waited for the job")
			assert.ErrorIs(t, cause, loop.ErrClosed)
		})
	}
}

// A job in flight is work the loop is waiting for: virtual time must not
// jump past it.
func TestVirtualTimeWaitsForJobs(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		start := l.Time()
		gate := make(chan struct{})
		type times struct{ job, sleeper time.Duration }
		got, err := run(t, l, func(ctx context.Context) (times, error) {
			sleeper := loop.CreateTask(l, func(ctx context.Context) (time.Duration, error) {
				err := loop.Sleep(ctx, time.Hour)
				return l.Time().Sub(start), err
			})
			job := loop.RunInExecutor(ctx, l, func(context.Context) (time.Duration, error) {
				<-gate
				return l.Time().Sub(start), nil
			})
			// Everything on the loop now waits; only the job can go on.
			go close(gate)
			j, err := future.Await(ctx, job)
			if err != nil {
				return times{}, err
			}
			s, err := future.Await(ctx, sleeper)
			return times{j, s}, err
		})
		require.NoError(t, err)
		assert.Zero(t, got.job, "no time passed while the job ran")
		assert.Equal(t, time.Hour, got.sleeper)
	}, loop.WithVirtualTime())
}

// TestAJobThatCallsGoexitFailsItsFuture: runtime.Goexit in an executor job
// (t.FailNow in a test's helper, say) ends the job's goroutine at once;
// its future must still complete, with ErrGoexit, as RunInExecutor's doc
// says. It used to stay pending for ever, since the completion ran after
// the job returned.
func TestAJobThatCallsGoexitFailsItsFuture(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			f := loop.RunInExecutor(ctx, l, func(context.Context) (int, error) {
				runtime.Goexit()
				return 1, nil
			})
			// A watchdog for the wait that used to last for ever.
			wctx, cancel := loop.Timeout(ctx, 20*time.Second)
			defer cancel()
			_, err := future.Await(wctx, f)
			return 0, err
		})
		require.ErrorIs(t, err, future.ErrGoexit)
	})
}

// TestExecutorStartsJobsInOrder: jobs start first come, first served, as
// in Python's ThreadPoolExecutor (its work queue is a FIFO). They used to
// race for a semaphore, so that with three workers the first wave could
// be jobs 5, 3 and 4. With one worker the start order is the submission
// order; with three, the first wave is the first three jobs, and never
// more than three run at once.
func TestExecutorStartsJobsInOrder(t *testing.T) {
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprint(workers, "workers"), func(t *testing.T) {
			eachEngine(t, func(t *testing.T, l *loop.Loop) {
				const jobs = 9
				var mu sync.Mutex
				var order []int
				var running, most int
				gates := make([]chan struct{}, jobs)
				started := make(chan struct{}, jobs)
				firstWave := make(chan []int, 1)
				_, err := run(t, l, func(ctx context.Context) (int, error) {
					var fs []*future.Future[int]
					for i := range jobs {
						gates[i] = make(chan struct{})
						fs = append(fs, loop.RunInExecutor(ctx, l, func(context.Context) (int, error) {
							mu.Lock()
							order = append(order, i)
							running++
							most = max(most, running)
							mu.Unlock()
							started <- struct{}{}
							<-gates[i]
							mu.Lock()
							running--
							mu.Unlock()
							return i, nil
						}))
					}
					// A goroutine, not ToThread, since the workers are taken.
					go func() {
						for range workers {
							<-started
						}
						mu.Lock()
						first := slices.Clone(order)
						mu.Unlock()
						slices.Sort(first)
						firstWave <- first
						for i := range jobs {
							close(gates[i])
						}
					}()
					for _, f := range fs {
						if _, err := future.Await(ctx, f); err != nil {
							return 0, err
						}
					}
					return 0, nil
				})
				require.NoError(t, err)
				assert.Equal(t, []int{0, 1, 2}[:workers], <-firstWave, "the first wave")
				assert.LessOrEqual(t, most, workers)
				if workers == 1 {
					assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8}, order)
				}
			}, loop.WithExecutorWorkers(workers))
		})
	}
}

// TestToThreadJobSeesTheCallersDeadline: under a deadline (loop.Timeout
// or context.WithTimeout on the task's context), ToThread's job gets the
// deadline in its context, and when the caller stops waiting the job's
// context is cancelled. Before, the job had no deadline and ran on.
func TestToThreadJobSeesTheCallersDeadline(t *testing.T) {
	scopes := map[string]func(context.Context) (context.Context, context.CancelFunc){
		"loop.Timeout": func(ctx context.Context) (context.Context, context.CancelFunc) {
			return loop.Timeout(ctx, 50*time.Millisecond)
		},
		"context.WithTimeout": func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 50*time.Millisecond)
		},
	}
	for name, scope := range scopes {
		t.Run(name, func(t *testing.T) {
			eachEngine(t, func(t *testing.T, l *loop.Loop) {
				jobEnded := make(chan bool, 1) // whether it had a deadline
				_, err := run(t, l, func(ctx context.Context) (int, error) {
					tctx, cancel := scope(ctx)
					defer cancel()
					return loop.ToThread(tctx, func(jctx context.Context) (int, error) {
						_, has := jctx.Deadline()
						select {
						case <-jctx.Done():
						case <-time.After(20 * time.Second): // a watchdog, not a wait
						}
						jobEnded <- has
						return 0, jctx.Err()
					})
				})
				require.ErrorIs(t, err, context.DeadlineExceeded)
				select {
				case has := <-jobEnded:
					assert.True(t, has, "the job's context carried the deadline")
				case <-time.After(20 * time.Second):
					t.Fatal("the job ran on after ToThread returned")
				}
			})
		})
	}
}

// TestShutdownNamesWhatStillRuns: Close used to wait for ever for a job
// stuck where its context cannot reach it, without a word. Shutdown with
// a deadline returns a *StillRunningError counting it, leaves the loop
// closing, and a later Close finishes once the job returns.
func TestShutdownNamesWhatStillRuns(t *testing.T) {
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			l := e.New()
			stuck := make(chan struct{})
			started := make(chan struct{})
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				loop.RunInExecutor(ctx, l, func(context.Context) (int, error) {
					close(started)
					<-stuck // ignores its context
					return 0, nil
				})
				<-started
				return 0, nil
			})
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			err = l.Shutdown(ctx)
			var still *loop.StillRunningError
			require.ErrorAs(t, err, &still)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Equal(t, 1, still.Jobs)
			assert.Empty(t, still.Tasks)
			assert.Contains(t, err.Error(), "1 executor job(s)")
			assert.True(t, l.IsClosed())
			assert.ErrorIs(t, loop.CreateTask(l, func(context.Context) (int, error) { return 0, nil }).Err(), loop.ErrClosed)

			close(stuck)
			require.NoError(t, l.Close())
			require.NoError(t, l.Close(), "a closed loop closes again with nil")
		})
	}
}

// TestShutdownNamesAStuckTask: a task whose body blocks outside the loop
// (here a channel receive, which no cancellation reaches) holds Close; a
// Shutdown with a deadline names it. On a single-thread loop the blocked
// body holds the loop's thread, so the wait goes on in the background and
// the next Close picks it up.
func TestShutdownNamesAStuckTask(t *testing.T) {
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			l := e.New()
			stuck := make(chan struct{})
			blocked := make(chan struct{})
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				loop.CreateTask(l, func(ctx context.Context) (int, error) {
					if err := loop.Sleep(ctx, time.Hour); err == nil {
						return 0, errors.New("not cancelled")
					}
					close(blocked)
					<-stuck // blocks the task body itself
					return 0, nil
				}, loop.TaskName("stuck-reader"))
				return 0, loop.Sleep(ctx, 0)
			})
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			err = l.Shutdown(ctx)
			var still *loop.StillRunningError
			require.ErrorAs(t, err, &still)
			<-blocked
			assert.Equal(t, []string{"stuck-reader"}, still.Tasks)
			assert.Contains(t, err.Error(), "stuck-reader")
			close(stuck)
			require.NoError(t, l.Close())
		})
	}
}
