package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	conciter "github.com/sourcegraph/conc/iter"
	"github.com/sourcegraph/conc/pool"
	"golang.org/x/sync/errgroup"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// gatherCount is how many coroutines one round of BenchmarkGather gathers.
const gatherCount = 10_000

// gatherEngines are the engines BenchmarkGather compares. Unlike engines,
// the pool has its default number of workers (GOMAXPROCS), since the point
// is to compare it with errgroup running on every processor.
var gatherEngines = enginesWith()

// BenchmarkGather measures fanning out trivial work and collecting the
// results. One op is one round of gatherCount units, each of which returns
// (or stores) its index; the benchmark reports ns/task, the round's time
// divided by gatherCount, and checks every result.
//
// Under Loop the main task awaits loop.Gather of gatherCount coroutines:
// Gather makes a task of each and the result is their values in order. The
// coroutines are made once, before the timer starts, since a Coroutine runs
// nothing until it is awaited and can be awaited again. The floors are what
// a Go programmer would write instead: an errgroup.Group with
// SetLimit(GOMAXPROCS) whose funcs write into a slice, the same without a
// limit, conc's ResultPool (GOMAXPROCS goroutines) and iter.Map, and
// goroutines, one goroutine per unit and a sync.WaitGroup.
//
// The targets: the pool at or below errgroup per task (614 ns/task
// measured on the 2-core machine this was written on), and the single-thread
// loop at least ten times faster than asyncio.gather (11.5 us per task
// measured there with CPython), that is at most 1.15 us per task.
func BenchmarkGather(b *testing.B) {
	aws := make([]future.Awaitable[int], gatherCount)
	for i := range aws {
		aws[i] = future.Coroutine[int](func(context.Context) (int, error) { return i, nil })
	}
	for _, e := range gatherEngines {
		b.Run("Loop/"+e.name, func(b *testing.B) {
			b.ReportAllocs()
			runOnLoop(b, e.newLoop, func(ctx context.Context) (int, error) {
				b.ResetTimer()
				for range b.N {
					vs, err := future.Await(ctx, loop.Gather(ctx, aws...))
					if err != nil {
						return 0, err
					}
					if err := checkIndexes(vs); err != nil {
						return 0, err
					}
				}
				b.StopTimer()
				return gatherCount, nil
			})
			reportPerTask(b, gatherCount)
		})
	}
	b.Run("errgroup", func(b *testing.B) { benchErrgroup(b, runtime.GOMAXPROCS(0)) })
	b.Run("errgroup/noLimit", func(b *testing.B) { benchErrgroup(b, -1) })
	b.Run("conc/ResultPool", func(b *testing.B) {
		// conc's ResultPool does not keep submission order, so each task
		// returns its index with its value, as conc's docs suggest.
		type indexed struct{ i, v int }
		b.ReportAllocs()
		results := make([]int, gatherCount)
		limit := runtime.GOMAXPROCS(0)
		for range b.N {
			p := pool.NewWithResults[indexed]().WithMaxGoroutines(limit)
			for i := range results {
				p.Go(func() indexed { return indexed{i, i} })
			}
			for _, r := range p.Wait() {
				results[r.i] = r.v
			}
		}
		b.StopTimer()
		if err := checkIndexes(results); err != nil {
			b.Fatal(err)
		}
		reportPerTask(b, gatherCount)
	})
	b.Run("conc/iter.Map", func(b *testing.B) {
		b.ReportAllocs()
		input := make([]int, gatherCount)
		for i := range input {
			input[i] = i
		}
		var results []int
		for range b.N {
			results = conciter.Map(input, func(i *int) int { return *i })
		}
		b.StopTimer()
		if err := checkIndexes(results); err != nil {
			b.Fatal(err)
		}
		reportPerTask(b, gatherCount)
	})
	b.Run("goroutines", func(b *testing.B) {
		b.ReportAllocs()
		results := make([]int, gatherCount)
		for range b.N {
			var wg sync.WaitGroup
			for i := range results {
				wg.Go(func() { results[i] = i })
			}
			wg.Wait()
		}
		b.StopTimer()
		if err := checkIndexes(results); err != nil {
			b.Fatal(err)
		}
		reportPerTask(b, gatherCount)
	})
}

// benchErrgroup is BenchmarkGather's errgroup row: an errgroup.Group with
// SetLimit(limit) (a negative limit is none) whose funcs write into a slice.
func benchErrgroup(b *testing.B, limit int) {
	b.ReportAllocs()
	results := make([]int, gatherCount)
	for range b.N {
		var g errgroup.Group
		g.SetLimit(limit)
		for i := range results {
			g.Go(func() error {
				results[i] = i
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := checkIndexes(results); err != nil {
		b.Fatal(err)
	}
	reportPerTask(b, gatherCount)
}

// checkIndexes returns an error unless vs[i] == i for every i.
func checkIndexes(vs []int) error {
	if len(vs) != gatherCount {
		return fmt.Errorf("bench: %d results, want %d", len(vs), gatherCount)
	}
	for i, v := range vs {
		if v != i {
			return fmt.Errorf("bench: result %d is %d", i, v)
		}
	}
	return nil
}
