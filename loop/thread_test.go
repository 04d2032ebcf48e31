package loop_test

import (
	"context"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func TestSingleThreadRunsEverythingOnItsThread(t *testing.T) {
	l := loop.NewSingleThread()
	defer l.Close()
	want := l.ThreadID()
	require.NotZero(t, want)
	require.NotEqual(t, syscall.Gettid(), want, "the test goroutine is not the loop thread")

	var seen []int
	record := func() { seen = append(seen, syscall.Gettid()) }
	inner := future.Coroutine[int](func(ctx context.Context) (int, error) {
		record() // nested await, before suspending
		p := future.NewPromise[int]()
		go func() { _ = p.Resolve(1) }() // resolved off the loop thread
		v, err := future.Await(ctx, p.Future())
		record() // nested await, after resuming
		return v, err
	})
	_, err := run(t, l, func(ctx context.Context) (int, error) {
		record()                                      // coroutine body
		if _, err := l.CallSoon(record); err != nil { // callback
			return 0, err
		}
		if err := loop.Sleep(ctx, 0); err != nil {
			return 0, err
		}
		record() // after a suspension
		if _, err := future.Await(ctx, inner); err != nil {
			return 0, err
		}
		child := loop.CreateTask(l, func(context.Context) (int, error) { record(); return 0, nil })
		if _, err := future.Await(ctx, child); err != nil {
			return 0, err
		}
		p := future.NewPromiseOn[int](l)
		_ = p.Future().AddDoneCallback(func(*future.Future[int]) { record() })
		_ = p.Resolve(0)
		return 0, loop.Sleep(ctx, 0)
	})
	require.NoError(t, err)
	require.Len(t, seen, 7)
	for i, tid := range seen {
		assert.Equal(t, want, tid, "record %d ran off the loop thread", i)
	}
}

func TestPoolHasNoThread(t *testing.T) {
	l := loop.NewPool()
	defer l.Close()
	assert.Zero(t, l.ThreadID())
}
