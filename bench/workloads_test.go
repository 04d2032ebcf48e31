package bench

import (
	"context"
	"testing"

	"github.com/goasyncio/asyncio/future"
)

// BenchmarkFutureResolvedElsewhere measures a one-shot value handed from one
// goroutine to another (workload 2 of the report). One op, under Future,
// makes a promise, starts a goroutine that resolves it, and awaits the
// future from plain goroutine code, which blocks until the value arrives.
// The floor, goChan, is what a Go programmer writes instead: make a channel
// with a buffer of one, start a goroutine that sends on it, and receive.
// Both rows start one goroutine and hand over one int per op.
func BenchmarkFutureResolvedElsewhere(b *testing.B) {
	ctx := context.Background()
	b.Run("Future", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			p := future.NewPromise[int]()
			go func() { _ = p.Resolve(i) }()
			v, err := future.Await(ctx, p.Future())
			if err != nil {
				b.Fatal(err)
			}
			sink += v
		}
	})
	b.Run("goChan", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			c := make(chan int, 1)
			go func() { c <- i }()
			sink += <-c
		}
	})
}

// BenchmarkCallbackChannel is the channel-of-funcs alternative to
// BenchmarkCallSoonThreadsafe (workload 8 of the report): the producer sends
// each callback on a channel with a buffer of callSoonBatch, and one
// consumer goroutine receives and calls them. One op is one callback handed
// over and run. It sits in its own benchmark because it is neither of
// BenchmarkCallSoon's forms; the report lists it under workload 8.
func BenchmarkCallbackChannel(b *testing.B) {
	b.Run("chanOfFuncs", func(b *testing.B) {
		b.ReportAllocs()
		queue := make(chan func(), callSoonBatch)
		ran := 0 // touched only by the consumer until consumerDone closes
		fn := func() { ran++ }
		consumerDone := make(chan struct{})
		b.ResetTimer()
		go func() {
			defer close(consumerDone)
			for f := range queue {
				f()
			}
		}()
		for range b.N {
			queue <- fn
		}
		close(queue)
		<-consumerDone
		b.StopTimer()
		if ran != b.N {
			b.Fatalf("ran %d of %d callbacks", ran, b.N)
		}
		sink += ran
	})
}
