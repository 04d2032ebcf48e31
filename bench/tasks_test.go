package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// taskCounts are the sizes BenchmarkTaskScaling compares; the issue asks
// that the cost per task grow at most 1.5x from 10,000 to 1,000,000.
var taskCounts = []int{1_000, 10_000, 100_000, 1_000_000}

// BenchmarkTaskScaling measures whether a task costs more when there are
// many. One op is one round: the main task creates n tasks of a coroutine
// that returns at once (loop.CreateTask), all before any runs, then awaits
// each in turn. The benchmark reports ns/task, the round's time divided by
// n, so the lines for the two sizes can be compared directly; ns/op and the
// allocation figures are per round. The floor, goroutines, starts n
// goroutines that each store a result, and waits for them with a
// sync.WaitGroup.
//
// A round of a million tasks keeps every task's future (and, through it, the
// task) alive until it is awaited: the round allocates about 260-280 MB on
// either engine, so the larger size also measures the garbage collector's
// work on a big heap. Such a round takes under a second, so the default
// -benchtime runs it once or twice. The first
// round in a process also pays for faulting that heap in from the operating
// system (measured: 2-5x slower), which a smaller size pays only in the
// probe run that go test makes before timing. So that both sizes are timed
// warm, every size runs one untimed round first, the floor included, and
// then a collection (runtime.GC), so that the timed round starts from the
// same heap every time. Without it the million-task round was bimodal
// (measured: 418, 860 and 957 ns/task in three runs): when the collection
// that frees the warm-up round's tasks came late, the timed round grew the
// heap into fresh memory (gctrace showed it reaching about 400 MB) instead
// of reusing the warm-up round's.
func BenchmarkTaskScaling(b *testing.B) {
	for _, e := range engines {
		for _, n := range taskCounts {
			b.Run(fmt.Sprintf("Loop/%s/N=%d", e.name, n), func(b *testing.B) {
				b.ReportAllocs()
				runOnLoop(b, e.newLoop, func(ctx context.Context) (int, error) {
					l, err := loop.GetRunningLoop(ctx)
					if err != nil {
						return 0, err
					}
					futs := make([]*future.Future[int], n)
					total := 0
					round := func() error {
						for i := range futs {
							futs[i] = loop.CreateTask(l, inline)
						}
						for i, f := range futs {
							v, err := future.Await(ctx, f)
							if err != nil {
								return err
							}
							total += v
							futs[i] = nil // let the task go
						}
						return nil
					}
					if err := round(); err != nil { // the warm-up round
						return 0, err
					}
					runtime.GC() // see the doc comment
					b.ResetTimer()
					for range b.N {
						if err := round(); err != nil {
							return 0, err
						}
					}
					b.StopTimer()
					if total != (b.N+1)*n {
						return 0, fmt.Errorf("bench: %d of %d tasks returned their value", total, (b.N+1)*n)
					}
					return total, nil
				})
				reportPerTask(b, n)
			})
		}
	}
	for _, n := range taskCounts {
		b.Run(fmt.Sprintf("goroutines/N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			results := make([]int, n)
			round := func() {
				var wg sync.WaitGroup
				for i := range results {
					wg.Go(func() { results[i] = 1 })
				}
				wg.Wait()
			}
			round()      // the warm-up round
			runtime.GC() // see the doc comment
			b.ResetTimer()
			for range b.N {
				round()
			}
			b.StopTimer()
			for _, v := range results {
				sink += v
			}
			reportPerTask(b, n)
		})
	}
}

// reportPerTask reports the measured time per task of n-task rounds.
func reportPerTask(b *testing.B, n int) {
	b.Helper()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/task")
}

// suspendedCount is how many suspended coroutines BenchmarkSuspendedMemory
// holds at once: enough that the heap's page granularity does not show.
const suspendedCount = 10_000

// BenchmarkSuspendedMemory measures the memory a coroutine suspended in
// Await holds. One op is one round: the main task creates suspendedCount
// tasks that each await the same pending future, lets them all run to
// their Await, and reads the heap and stack in use before and after
// (runtime.GC, then runtime.ReadMemStats' HeapInuse+StackInuse); then it
// resolves the future and awaits every task, so nothing is left suspended.
// The benchmark reports the difference per task as B/suspended, averaged
// over the rounds. The floor, goroutines, blocks suspendedCount goroutines
// in a receive from one channel and closes it at the end.
//
// On the single-thread engine a suspended task is a task record, its
// future, and the runtime coroutine (a goroutine's stack) that iter.Pull
// made for it; on the pool it is a parked goroutine, which has no runtime
// coroutine.
func BenchmarkSuspendedMemory(b *testing.B) {
	for _, e := range engines {
		b.Run("Loop/"+e.name, func(b *testing.B) {
			b.ReportAllocs()
			var grown int64 // bytes added by suspended tasks, over every round
			runOnLoop(b, e.newLoop, func(ctx context.Context) (int, error) {
				l, err := loop.GetRunningLoop(ctx)
				if err != nil {
					return 0, err
				}
				futs := make([]*future.Future[int], suspendedCount)
				b.ResetTimer()
				for range b.N {
					gate := future.NewPromise[int]()
					// waiting counts the bodies that have reached their
					// Await. On a single-thread loop a body that has counted
					// is parked by the time the main task runs again. On the
					// pool with one worker the main task holds the only
					// permit, which a parking body gives up only once it is
					// registered on gate.
					var waiting atomic.Int64
					body := func(ctx context.Context) (int, error) {
						waiting.Add(1)
						return future.Await(ctx, gate.Future())
					}
					before := memInUse()
					for i := range futs {
						futs[i] = loop.CreateTask(l, body)
					}
					for waiting.Load() < suspendedCount {
						if err := loop.Sleep(ctx, 0); err != nil {
							return 0, err
						}
					}
					grown += memInUse() - before
					_ = gate.Resolve(1)
					for i, f := range futs {
						if _, err := future.Await(ctx, f); err != nil {
							return 0, err
						}
						futs[i] = nil
					}
				}
				b.StopTimer()
				return 0, nil
			})
			b.ReportMetric(float64(grown)/float64(b.N*suspendedCount), "B/suspended")
		})
	}
	b.Run("goroutines", func(b *testing.B) {
		b.ReportAllocs()
		var grown int64
		for range b.N {
			release := make(chan struct{})
			var blocked, done sync.WaitGroup
			blocked.Add(suspendedCount)
			before := memInUse()
			for range suspendedCount {
				done.Go(func() {
					blocked.Done()
					<-release
				})
			}
			blocked.Wait()
			grown += memInUse() - before
			close(release)
			done.Wait()
		}
		b.StopTimer()
		b.ReportMetric(float64(grown)/float64(b.N*suspendedCount), "B/suspended")
	})
}

// memInUse collects garbage and returns the bytes of heap spans and
// goroutine stacks in use.
func memInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse + ms.StackInuse)
}
