// Command asyncio_lock makes two coroutines wait for a lock that main holds
// until a callback releases it: the Go translation of asyncio_lock.py. A
// locks.Lock hands itself to the waiters first come, first served; coro1
// holds it for a block, as Python's async with does, and coro2 pairs Acquire
// with a deferred Release, as Python's try/finally does. Python starts the
// coroutines from a set, in an order that changes from run to run; here
// coro1 always starts, and so gets the lock, first.
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/locks"
)

func unlock(w io.Writer, lock *locks.Lock) {
	fmt.Fprintln(w, "callback releasing lock")
	if err := lock.Release(); err != nil {
		fmt.Fprintln(w, err)
	}
}

// withLock runs fn holding lock: Python's async with lock.
func withLock(ctx context.Context, lock *locks.Lock, fn func()) error {
	if err := lock.Acquire(ctx); err != nil {
		return err
	}
	defer lock.Release() // held, so it cannot fail
	fn()
	return nil
}

func coro1(w io.Writer, lock *locks.Lock) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "coro1 waiting for the lock")
		if err := withLock(ctx, lock, func() { fmt.Fprintln(w, "coro1 acquired lock") }); err != nil {
			return struct{}{}, err
		}
		fmt.Fprintln(w, "coro1 released lock")
		return struct{}{}, nil
	}
}

func coro2(w io.Writer, lock *locks.Lock) future.Coroutine[struct{}] {
	return func(ctx context.Context) (_ struct{}, err error) {
		fmt.Fprintln(w, "coro2 waiting for the lock")
		if err := lock.Acquire(ctx); err != nil {
			return struct{}{}, err
		}
		defer func() {
			fmt.Fprintln(w, "coro2 released lock")
			err = lock.Release()
		}()
		fmt.Fprintln(w, "coro2 acquired lock")
		return struct{}{}, nil
	}
}

func mainCoro(w io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		// Create and acquire a shared lock.
		var lock locks.Lock // the zero Lock is unlocked and ready to use
		fmt.Fprintln(w, "acquiring the lock before starting coroutines")
		if err := lock.Acquire(ctx); err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "lock acquired: %s\n", pyfmt.Bool(lock.Locked()))

		// Schedule a callback to unlock the lock.
		if _, err := l.CallLater(100*time.Millisecond, func() { unlock(w, &lock) }); err != nil {
			return struct{}{}, err
		}

		// Run the coroutines that want to use the lock.
		fmt.Fprintln(w, "waiting for coroutines")
		tasks := []*future.Future[struct{}]{
			loop.CreateTask(l, coro1(w, &lock)),
			loop.CreateTask(l, coro2(w, &lock)),
		}
		_, _, err := loop.Wait(ctx, tasks, loop.AllCompleted, 0)
		return struct{}{}, err
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		_, err := loop.RunUntilComplete(context.Background(), eventLoop, mainCoro(w, eventLoop))
		return err
	})
}

func main() { engine.Main(run) }
