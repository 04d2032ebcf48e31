// Command asyncio_condition makes five consumers wait on a condition that
// another task notifies one, then two, then all of them: the Go translation
// of asyncio_condition.py. A locks.Condition wakes its waiters in the order
// they started waiting, and each takes the lock back before Wait returns.
// Python starts the consumers from a set, so which consumer is woken first
// changes from run to run; here they start, and so are woken, in order.
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/locks"
)

// withCondition runs fn holding the condition's lock: Python's
// async with condition. fn's error, else Release's, is returned.
func withCondition(ctx context.Context, c *locks.Condition, fn func() error) (err error) {
	if err := c.Acquire(ctx); err != nil {
		return err
	}
	defer func() {
		if rerr := c.Release(); err == nil {
			err = rerr
		}
	}()
	return fn()
}

func consumer(w io.Writer, condition *locks.Condition, n int) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		err := withCondition(ctx, condition, func() error {
			fmt.Fprintf(w, "consumer %d is waiting\n", n)
			if err := condition.Wait(ctx); err != nil {
				return err
			}
			fmt.Fprintf(w, "consumer %d triggered\n", n)
			return nil
		})
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "ending consumer %d\n", n)
		return struct{}{}, nil
	}
}

func manipulateCondition(w io.Writer, condition *locks.Condition) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "starting manipulate_condition")

		// Pause to let the consumers start.
		if err := loop.Sleep(ctx, 100*time.Millisecond); err != nil {
			return struct{}{}, err
		}

		for i := 1; i < 3; i++ {
			err := withCondition(ctx, condition, func() error {
				fmt.Fprintf(w, "notifying %d consumers\n", i)
				return condition.Notify(i)
			})
			if err != nil {
				return struct{}{}, err
			}
			if err := loop.Sleep(ctx, 100*time.Millisecond); err != nil {
				return struct{}{}, err
			}
		}

		err := withCondition(ctx, condition, func() error {
			fmt.Fprintln(w, "notifying remaining consumers")
			return condition.NotifyAll()
		})
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintln(w, "ending manipulate_condition")
		return struct{}{}, nil
	}
}

func mainCoro(w io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		// Create a condition with a lock of its own.
		condition := locks.NewCondition(nil)

		// Set up the consumers watching the condition.
		consumers := make([]future.Coroutine[struct{}], 5)
		for i := range consumers {
			consumers[i] = consumer(w, condition, i)
		}

		// Schedule a task to manipulate the condition variable. Python
		// drops the task; keeping it lets a failure be seen.
		manipulator := loop.CreateTask(l, manipulateCondition(w, condition))

		// Wait for the consumers to be done.
		tasks := make([]*future.Future[struct{}], len(consumers))
		for i, c := range consumers {
			tasks[i] = loop.CreateTask(l, c)
		}
		if _, _, err := loop.Wait(ctx, tasks, loop.AllCompleted, 0); err != nil {
			return struct{}{}, err
		}
		for _, t := range tasks {
			if err := t.Err(); err != nil {
				return struct{}{}, err
			}
		}
		// The manipulator ended before the last consumers could.
		return struct{}{}, manipulator.Err()
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		_, err := loop.RunUntilComplete(context.Background(), eventLoop, mainCoro(w, eventLoop))
		return err
	})
}

func main() { engine.Main(run) }
