package future_test

import (
	"sync"
	"testing"

	"github.com/goasyncio/asyncio/future"
)

// BenchmarkAll collects 100 results into a slice in argument order, with
// All and with the hand-written WaitGroup form, in two settings:
//
//   - completed: the results already exist (futures complete before All;
//     for the baseline, values already computed), so only the collecting
//     is measured.
//   - goroutines: 100 goroutines each deliver one result; the promises and
//     goroutines are part of both forms.
func BenchmarkAll(b *testing.B) {
	const n = 100
	b.Run("completed", func(b *testing.B) {
		fs := make([]*future.Future[int], n)
		for i := range fs {
			fs[i] = resolved(i)
		}
		b.Run("All", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v, err := future.All(fs...).Result()
				if err != nil || len(v) != n {
					b.Fatal(v, err)
				}
			}
		})
		b.Run("WaitGroup", func(b *testing.B) {
			src := make([]int, n)
			for i := range src {
				src[i] = i
			}
			b.ReportAllocs()
			for b.Loop() {
				var wg sync.WaitGroup
				v := make([]int, n)
				wg.Add(n)
				for i := range v {
					v[i] = src[i]
					wg.Done()
				}
				wg.Wait()
				if len(v) != n {
					b.Fatal(v)
				}
			}
		})
	})
	b.Run("goroutines", func(b *testing.B) {
		b.Run("All", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ps, fs := promises[int](n)
				all := future.All(fs...)
				for i, p := range ps {
					go func() { _ = p.Resolve(i) }()
				}
				<-all.Done()
				if v, err := all.Result(); err != nil || len(v) != n {
					b.Fatal(v, err)
				}
			}
		})
		b.Run("WaitGroup", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var wg sync.WaitGroup
				v := make([]int, n)
				for i := range v {
					wg.Go(func() { v[i] = i })
				}
				wg.Wait()
				if len(v) != n {
					b.Fatal(v)
				}
			}
		})
	})
}
