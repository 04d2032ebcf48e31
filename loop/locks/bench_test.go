package locks_test

import (
	"context"
	"sync"
	"testing"

	"github.com/goasyncio/asyncio/loop/locks"
)

// BenchmarkUncontended measures one Acquire and Release of a free lock,
// beside sync.Mutex doing the same, on one goroutine: the cost a lock adds
// to code that almost never waits for it.
func BenchmarkUncontended(b *testing.B) {
	ctx := context.Background()
	b.Run("locks.Lock", func(b *testing.B) {
		b.ReportAllocs()
		var mu locks.Lock
		for b.Loop() {
			if err := mu.Acquire(ctx); err != nil {
				b.Fatal(err)
			}
			if err := mu.Release(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("locks.Lock/TryAcquire", func(b *testing.B) {
		b.ReportAllocs()
		var mu locks.Lock
		for b.Loop() {
			if !mu.TryAcquire() {
				b.Fatal("lock is taken")
			}
			if err := mu.Release(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sync.Mutex", func(b *testing.B) {
		b.ReportAllocs()
		var mu sync.Mutex
		for b.Loop() {
			mu.Lock()
			//lint:ignore SA2001 an empty critical section is what is measured
			mu.Unlock()
		}
	})
	b.Run("locks.Semaphore", func(b *testing.B) {
		b.ReportAllocs()
		sem := locks.NewSemaphore(1)
		for b.Loop() {
			if err := sem.Acquire(ctx); err != nil {
				b.Fatal(err)
			}
			sem.Release()
		}
	})
}
