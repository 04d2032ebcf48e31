package loop_test

import (
	"context"
	"fmt"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func ExampleRun() {
	v, err := loop.Run(context.Background(), future.Coroutine[string](func(ctx context.Context) (string, error) {
		return "hello from the loop", nil
	}))
	fmt.Println(v, err)
	// Output: hello from the loop <nil>
}

func ExampleRunUntilComplete() {
	l := loop.NewSingleThread()
	defer l.Close()

	coro := future.Coroutine[int](func(ctx context.Context) (int, error) {
		fmt.Println("in coroutine")
		return 7, nil
	})
	fmt.Println("entering event loop")
	v, err := loop.RunUntilComplete(context.Background(), l, coro)
	fmt.Println("it returned:", v, err)
	// Output:
	// entering event loop
	// in coroutine
	// it returned: 7 <nil>
}

func ExampleCreateTask() {
	l := loop.NewSingleThread()
	defer l.Close()

	worker := func(name string) future.Coroutine[string] {
		return func(ctx context.Context) (string, error) {
			fmt.Println(name, "step 1")
			if err := loop.Sleep(ctx, 0); err != nil { // let the other run
				return "", err
			}
			fmt.Println(name, "step 2")
			return name + " done", nil
		}
	}
	main := future.Coroutine[string](func(ctx context.Context) (string, error) {
		a := loop.CreateTask(l, worker("a"))
		b := loop.CreateTask(l, worker("b"))
		ra, err := future.Await(ctx, a)
		if err != nil {
			return "", err
		}
		rb, err := future.Await(ctx, b)
		return ra + ", " + rb, err
	})
	v, err := loop.RunUntilComplete(context.Background(), l, main)
	fmt.Println(v, err)
	// Output:
	// a step 1
	// b step 1
	// a step 2
	// b step 2
	// a done, b done <nil>
}

func ExampleNewPool() {
	l := loop.NewPool(loop.WithWorkers(4))
	defer l.Close()

	square := func(n int) future.Coroutine[int] {
		return func(ctx context.Context) (int, error) { return n * n, nil }
	}
	sum, err := loop.RunUntilComplete(context.Background(), l, future.Coroutine[int](func(ctx context.Context) (int, error) {
		var tasks []*future.Future[int]
		for i := 1; i <= 10; i++ {
			tasks = append(tasks, loop.CreateTask(l, square(i)))
		}
		total := 0
		for _, t := range tasks {
			v, err := future.Await(ctx, t)
			if err != nil {
				return 0, err
			}
			total += v
		}
		return total, nil
	}))
	fmt.Println(sum, err)
	// Output: 385 <nil>
}

func ExampleLoop_CallSoon() {
	l := loop.NewSingleThread()
	defer l.Close()
	_, err := loop.RunUntilComplete(context.Background(), l, future.Coroutine[int](func(ctx context.Context) (int, error) {
		for i := range 3 {
			if _, err := l.CallSoon(func() { fmt.Println("callback", i) }); err != nil {
				return 0, err
			}
		}
		return 0, loop.Sleep(ctx, 0) // one turn: the callbacks run, in order
	}))
	fmt.Println(err)
	// Output:
	// callback 0
	// callback 1
	// callback 2
	// <nil>
}
