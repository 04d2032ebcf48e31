package compat_test

import (
	"context"
	"iter"
	"testing"

	"github.com/goasyncio/asyncio/compat"
	"github.com/goasyncio/asyncio/future"
)

// BenchmarkAwait compares `yield from` in a generator-style body with a
// native await of the same completed future and the same coroutine. The
// seq leg is FromSeq, which drives an iter.Seq-style generator with
// iter.Pull; the iter.Pull leg is that same driving written by hand.
func BenchmarkAwait(b *testing.B) {
	ctx := context.Background()
	p := future.NewPromise[int]()
	_ = p.Resolve(1)
	done := p.Future()
	coro := future.Coroutine[int](func(context.Context) (int, error) { return 1, nil })

	run := func(b *testing.B, c future.Coroutine[int]) {
		b.ReportAllocs()
		if _, err := future.Await(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("future/native", func(b *testing.B) {
		run(b, func(ctx context.Context) (int, error) {
			s := 0
			for b.Loop() {
				v, _ := future.Await(ctx, done)
				s += v
			}
			return s, nil
		})
	})
	b.Run("future/generator", func(b *testing.B) {
		run(b, compat.Generator(func(y *compat.Yield) (int, error) {
			s := 0
			for b.Loop() {
				v, _ := compat.YieldFrom(y, done)
				s += v
			}
			return s, nil
		}))
	})
	b.Run("coroutine/native", func(b *testing.B) {
		run(b, func(ctx context.Context) (int, error) {
			s := 0
			for b.Loop() {
				v, _ := future.Await(ctx, coro)
				s += v
			}
			return s, nil
		})
	})
	b.Run("coroutine/generator", func(b *testing.B) {
		run(b, compat.Generator(func(y *compat.Yield) (int, error) {
			s := 0
			for b.Loop() {
				v, _ := compat.YieldFrom(y, coro)
				s += v
			}
			return s, nil
		}))
	})
	b.Run("whole/native", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = future.Await(ctx, coro)
		}
	})
	b.Run("whole/generator", func(b *testing.B) {
		gen := compat.Generator(func(y *compat.Yield) (int, error) { return 1, nil })
		b.ReportAllocs()
		for b.Loop() {
			_, _ = future.Await(ctx, gen)
		}
	})
	b.Run("future/seq", func(b *testing.B) {
		run(b, compat.FromSeq(func(yield func(compat.Step) bool) (int, error) {
			s := 0
			var v int
			for b.Loop() {
				if !yield(compat.Into(done, &v)) {
					break
				}
				s += v
			}
			return s, nil
		}))
	})
	b.Run("future/iter.Pull", func(b *testing.B) {
		b.ReportAllocs()
		next, stop := iter.Pull(iter.Seq[*future.Future[int]](func(yield func(*future.Future[int]) bool) {
			for yield(done) {
			}
		}))
		defer stop()
		for b.Loop() {
			f, _ := next()
			_, _ = future.Await(ctx, f)
		}
	})
}
