package queues_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/looptest"
	"github.com/goasyncio/asyncio/loop/queues"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var bg = context.Background()

// eachEngine runs test on both engines. The pool runs one worker so that
// a task woken while another runs cannot resume before that one suspends:
// the races between a grant and a cancellation then play out the same way
// on both engines. Parallel pools are tested separately.
func eachEngine(t *testing.T, test func(t *testing.T, l *loop.Loop)) {
	looptest.Each(t, test, loop.WithWorkers(1))
}

// run is RunUntilComplete of a coroutine body on l.
func run[T any](t *testing.T, l *loop.Loop, body func(ctx context.Context) (T, error)) (T, error) {
	t.Helper()
	return loop.RunUntilComplete(bg, l, future.Coroutine[T](body))
}

// mustWork proves l still runs tasks, and a queue between them, after a
// test provoked an error.
func mustWork(t *testing.T, l *loop.Loop) {
	t.Helper()
	v, err := run(t, l, func(ctx context.Context) (int, error) {
		q := queues.New[int](1)
		loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, q.Put(ctx, 41)
		})
		v, err := q.Get(ctx)
		return v + 1, err
	})
	require.NoError(t, err, "the loop still works")
	require.Equal(t, 42, v)
}

// until yields the calling task's turn until cond holds.
func until(ctx context.Context, cond func() bool) error {
	for !cond() {
		if err := loop.Sleep(ctx, 0); err != nil {
			return err
		}
	}
	return nil
}

// spinUntil is until for plain goroutines.
func spinUntil(cond func() bool) {
	for !cond() {
		runtime.Gosched()
	}
}

// nGetters and nPutters report whether n getters or putters wait on q.
func nGetters[T any](q *queues.Queue[T], n int) func() bool {
	return func() bool { g, _ := queues.Waiting(q); return g == n }
}

func nPutters[T any](q *queues.Queue[T], n int) func() bool {
	return func() bool { _, p := queues.Waiting(q); return p == n }
}

// drain takes every item GetNowait gives.
func drain[T any](q *queues.Queue[T]) []T {
	var out []T
	for {
		v, err := q.GetNowait()
		if err != nil {
			return out
		}
		out = append(out, v)
	}
}
