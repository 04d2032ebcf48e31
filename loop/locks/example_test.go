package locks_test

import (
	"context"
	"fmt"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/locks"
)

// A Lock keeps two tasks on one thread from interleaving inside a critical
// section that suspends. With sync.Mutex the second task would block the
// loop's only thread, and the first could never come back to unlock.
func ExampleLock() {
	var mu locks.Lock
	worker := func(name string) future.Coroutine[struct{}] {
		return func(ctx context.Context) (struct{}, error) {
			if err := mu.Acquire(ctx); err != nil {
				return struct{}{}, err
			}
			defer mu.Release()
			fmt.Println(name, "in")
			if err := loop.Sleep(ctx, 0); err != nil { // the other task runs meanwhile
				return struct{}{}, err
			}
			fmt.Println(name, "out")
			return struct{}{}, nil
		}
	}
	_, err := loop.Run(context.Background(), func(ctx context.Context) (struct{}, error) {
		l, _ := loop.GetRunningLoop(ctx)
		a := loop.CreateTask(l, worker("a"))
		b := loop.CreateTask(l, worker("b"))
		if _, err := future.Await(ctx, a); err != nil {
			return struct{}{}, err
		}
		return future.Await(ctx, b)
	})
	fmt.Println(err)
	// Output:
	// a in
	// a out
	// b in
	// b out
	// <nil>
}

func ExampleEvent() {
	var ready locks.Event
	_, err := loop.Run(context.Background(), func(ctx context.Context) (struct{}, error) {
		l, _ := loop.GetRunningLoop(ctx)
		waiter := loop.CreateTask(l, func(ctx context.Context) (string, error) {
			fmt.Println("waiting")
			return "woken", ready.Wait(ctx)
		})
		if err := loop.Sleep(ctx, 0); err != nil { // let it start waiting
			return struct{}{}, err
		}
		fmt.Println("setting")
		ready.Set()
		s, err := future.Await(ctx, waiter)
		fmt.Println(s)
		return struct{}{}, err
	})
	fmt.Println(err)
	// Output:
	// waiting
	// setting
	// woken
	// <nil>
}

// An Event's Done channel waits in a select, from plain goroutine code.
func ExampleEvent_Done() {
	var ev locks.Event
	go ev.Set()
	<-ev.Done()
	fmt.Println("set:", ev.IsSet())
	// Output: set: true
}

func ExampleCondition() {
	cond := locks.NewCondition(nil)
	var items []string // protected by cond's lock

	consumer := future.Coroutine[string](func(ctx context.Context) (string, error) {
		if err := cond.Acquire(ctx); err != nil {
			return "", err
		}
		defer cond.Release()
		// WaitFor releases the lock while it waits, and holds it again
		// when it returns.
		if err := cond.WaitFor(ctx, func() bool { return len(items) > 0 }); err != nil {
			return "", err
		}
		return items[0], nil
	})
	v, err := loop.Run(context.Background(), func(ctx context.Context) (string, error) {
		l, _ := loop.GetRunningLoop(ctx)
		c := loop.CreateTask(l, consumer)
		if err := loop.Sleep(ctx, 0); err != nil {
			return "", err
		}
		if err := cond.Acquire(ctx); err != nil {
			return "", err
		}
		items = append(items, "item 1")
		_ = cond.Notify(1)
		_ = cond.Release()
		return future.Await(ctx, c)
	})
	fmt.Println(v, err)
	// Output: item 1 <nil>
}

// A Semaphore bounds how many tasks do something at once.
func ExampleSemaphore() {
	sem := locks.NewSemaphore(2)
	running, most := 0, 0
	_, err := loop.Run(context.Background(), func(ctx context.Context) (struct{}, error) {
		l, _ := loop.GetRunningLoop(ctx)
		var tasks []*future.Future[struct{}]
		for range 5 {
			tasks = append(tasks, loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
				if err := sem.Acquire(ctx); err != nil {
					return struct{}{}, err
				}
				defer sem.Release()
				running++
				most = max(most, running)
				err := loop.Sleep(ctx, 0)
				running--
				return struct{}{}, err
			}))
		}
		for _, t := range tasks {
			if _, err := future.Await(ctx, t); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	fmt.Println("at most", most, "at once;", err)
	// Output: at most 2 at once; <nil>
}

func ExampleBoundedSemaphore() {
	sem := locks.NewBoundedSemaphore(1)
	fmt.Println(sem.TryAcquire(), sem.Release(), sem.Release())
	// Output: true <nil> locks: bounded semaphore released too many times
}

func ExampleBarrier() {
	b := locks.NewBarrier(3)
	_, err := loop.Run(context.Background(), func(ctx context.Context) (struct{}, error) {
		l, _ := loop.GetRunningLoop(ctx)
		var tasks []*future.Future[int]
		for range 3 {
			tasks = append(tasks, loop.CreateTask(l, func(ctx context.Context) (int, error) {
				return b.Wait(ctx)
			}))
		}
		for _, t := range tasks {
			i, err := future.Await(ctx, t)
			if err != nil {
				return struct{}{}, err
			}
			fmt.Println("passed with arrival index", i)
		}
		return struct{}{}, nil
	})
	fmt.Println(err)
	// Output:
	// passed with arrival index 0
	// passed with arrival index 1
	// passed with arrival index 2
	// <nil>
}
