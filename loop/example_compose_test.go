package loop_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// fetch is a coroutine that takes d to produce name's value: a stand-in for
// a network call. The examples run on virtual time, so a second costs
// nothing and the order of events is fixed.
func fetch(name string, d time.Duration) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		if err := loop.Sleep(ctx, d); err != nil {
			fmt.Println(name, "stopped:", err)
			return "", err
		}
		fmt.Println(name, "arrived")
		return name + "!", nil
	}
}

func ExampleGather() {
	main := future.Coroutine[[]string](func(ctx context.Context) ([]string, error) {
		return future.Await(ctx, loop.Gather(ctx,
			fetch("slow", 2*time.Second),
			fetch("fast", time.Second),
		))
	})
	v, err := loop.Run(context.Background(), main, loop.WithVirtualTime())
	fmt.Println(v, err)
	// Output:
	// fast arrived
	// slow arrived
	// [slow! fast!] <nil>
}

func ExampleGather_failFast() {
	broken := future.Coroutine[string](func(ctx context.Context) (string, error) {
		if err := loop.Sleep(ctx, time.Second); err != nil {
			return "", err
		}
		return "", errors.New("connection refused")
	})
	main := future.Coroutine[[]string](func(ctx context.Context) ([]string, error) {
		v, err := future.Await(ctx, loop.Gather(ctx, fetch("slow", time.Hour), broken))
		// Let the cancelled sibling print before main returns.
		_ = loop.Sleep(ctx, 0)
		return v, err
	})
	_, err := loop.Run(context.Background(), main, loop.WithVirtualTime())
	fmt.Println("gather:", err)
	// Output:
	// slow stopped: future: cancelled: loop: Gather: another awaitable failed: connection refused
	// gather: connection refused
}

func ExampleGatherSettled() {
	main := future.Coroutine[[]future.Result[int]](func(ctx context.Context) ([]future.Result[int], error) {
		return future.Await(ctx, loop.GatherSettled(ctx,
			future.Coroutine[int](func(context.Context) (int, error) { return 1, nil }),
			future.Coroutine[int](func(context.Context) (int, error) { return 0, errors.New("no luck") }),
		))
	})
	results, err := loop.Run(context.Background(), main)
	for _, r := range results {
		fmt.Println(r.Value, r.Err)
	}
	fmt.Println(err)
	// Output:
	// 1 <nil>
	// 0 no luck
	// <nil>
}

func ExampleWait() {
	main := future.Coroutine[int](func(ctx context.Context) (int, error) {
		l, _ := loop.GetRunningLoop(ctx)
		fs := []*future.Future[string]{
			loop.CreateTask(l, fetch("a", time.Second)),
			loop.CreateTask(l, fetch("b", time.Hour)),
		}
		done, pending, err := loop.Wait(ctx, fs, loop.FirstCompleted, time.Minute)
		fmt.Println(len(done), "done,", len(pending), "pending,", err)
		done, pending, err = loop.Wait(ctx, pending, loop.AllCompleted, time.Minute)
		fmt.Println(len(done), "done,", len(pending), "pending,", err, "(the time ran out)")
		pending[0].Cancel(nil) // Wait cancels nothing: that is up to the caller
		_, err = future.Await(ctx, pending[0])
		return 0, err
	})
	_, _ = loop.Run(context.Background(), main, loop.WithVirtualTime())
	// Output:
	// a arrived
	// 1 done, 1 pending, <nil>
	// 0 done, 1 pending, <nil> (the time ran out)
	// b stopped: future: cancelled
}

func ExampleAsCompleted() {
	main := future.Coroutine[int](func(ctx context.Context) (int, error) {
		l, _ := loop.GetRunningLoop(ctx)
		quiet := func(v string, d time.Duration) *future.Future[string] {
			return loop.CreateTask(l, func(ctx context.Context) (string, error) {
				return v, loop.Sleep(ctx, d)
			})
		}
		for v, err := range loop.AsCompleted(ctx, quiet("third", 3*time.Second), quiet("first", time.Second), quiet("second", 2*time.Second)) {
			fmt.Println(v, err)
		}
		return 0, nil
	})
	_, _ = loop.Run(context.Background(), main, loop.WithVirtualTime())
	// Output:
	// first <nil>
	// second <nil>
	// third <nil>
}

func ExampleWaitFor() {
	main := future.Coroutine[string](func(ctx context.Context) (string, error) {
		v, err := loop.WaitFor(ctx, fetch("quick", time.Second), time.Minute)
		fmt.Println(v, err)
		_, err = loop.WaitFor(ctx, fetch("eternal", time.Hour), time.Minute)
		fmt.Println(err)
		fmt.Println("timeout:", errors.Is(err, loop.ErrTimeout), errors.Is(err, context.DeadlineExceeded))
		return "", nil
	})
	_, _ = loop.Run(context.Background(), main, loop.WithVirtualTime())
	// Output:
	// quick arrived
	// quick! <nil>
	// eternal stopped: loop: WaitFor: timed out after 1m0s
	// loop: WaitFor: timed out after 1m0s
	// timeout: true true
}

func ExampleTimeout() {
	main := future.Coroutine[int](func(ctx context.Context) (int, error) {
		l, _ := loop.GetRunningLoop(ctx)
		start := l.Time()

		tctx, cancel := loop.Timeout(ctx, 10*time.Second)
		defer cancel()
		err := loop.Sleep(tctx, time.Hour)
		fmt.Println(err, "after", l.Time().Sub(start))
		fmt.Println(tctx.Err())
		return 0, nil
	})
	_, _ = loop.Run(context.Background(), main, loop.WithVirtualTime())
	// Output:
	// loop: Timeout: timed out after 10s after 10s
	// context deadline exceeded
}

func ExampleShield() {
	main := future.Coroutine[int](func(ctx context.Context) (int, error) {
		l, _ := loop.GetRunningLoop(ctx)
		save := fetch("save", time.Second)
		request := loop.CreateTask(l, func(ctx context.Context) (string, error) {
			return future.Await(ctx, loop.Shield(ctx, save))
		})
		_ = loop.Sleep(ctx, 0) // the request starts saving
		request.Cancel(errors.New("client went away"))
		_, err := future.Await(ctx, request)
		fmt.Println("request:", err)
		return 0, loop.Sleep(ctx, time.Minute) // the save goes on
	})
	_, _ = loop.Run(context.Background(), main, loop.WithVirtualTime())
	// Output:
	// request: future: cancelled: client went away
	// save arrived
}

func ExampleWithTaskGroup() {
	main := future.Coroutine[int](func(ctx context.Context) (int, error) {
		err := loop.WithTaskGroup(ctx, func(ctx context.Context, g *loop.TaskGroup) error {
			loop.CreateTaskIn(g, fetch("profile", time.Hour))
			loop.CreateTaskIn(g, func(ctx context.Context) (string, error) {
				if err := loop.Sleep(ctx, time.Second); err != nil {
					return "", err
				}
				return "", errors.New("orders: service unavailable")
			})
			return nil
		})
		fmt.Println("group:", err)
		return 0, nil
	})
	_, _ = loop.Run(context.Background(), main, loop.WithVirtualTime())
	// Output:
	// profile stopped: future: cancelled: loop: task group cancelled: orders: service unavailable
	// group: orders: service unavailable
}

func ExampleNewTaskGroup() {
	main := future.Coroutine[string](func(ctx context.Context) (string, error) {
		g, gctx := loop.NewTaskGroup(ctx)
		a := loop.CreateTaskIn(g, fetch("a", 2*time.Second))
		b := loop.CreateTaskIn(g, fetch("b", time.Second))
		if err := g.Wait(gctx); err != nil {
			return "", err
		}
		va, _ := a.Result()
		vb, _ := b.Result()
		return va + vb, nil
	})
	v, err := loop.Run(context.Background(), main, loop.WithVirtualTime())
	fmt.Println(v, err)
	// Output:
	// b arrived
	// a arrived
	// a!b! <nil>
}
