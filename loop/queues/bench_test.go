package queues_test

import (
	"context"
	"testing"

	"github.com/goasyncio/asyncio/loop/queues"
)

// BenchmarkPutGet puts one item and gets it back, with no one waiting:
// the cost of a queue that never has to suspend, beside a buffered
// channel's send and receive doing the same job.
func BenchmarkPutGet(b *testing.B) {
	ctx := context.Background()
	less := func(a, b int) bool { return a < b }
	for _, q := range []struct {
		name string
		q    *queues.Queue[int]
	}{
		{"FIFO", queues.New[int](1)},
		{"LIFO", queues.NewLIFO[int](1)},
		{"priority", queues.NewPriority(1, less)},
	} {
		b.Run("Queue/"+q.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := q.q.Put(ctx, i); err != nil {
					b.Fatal(err)
				}
				if _, err := q.q.Get(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("Queue/FIFO/nowait", func(b *testing.B) {
		q := queues.New[int](1)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := q.PutNowait(i); err != nil {
				b.Fatal(err)
			}
			if _, err := q.GetNowait(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("chan", func(b *testing.B) {
		c := make(chan int, 1)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			c <- i
			<-c
		}
	})
}
