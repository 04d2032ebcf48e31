package compat_test

// The before/after pairs of MIGRATING.md. Each "before" is the old style and
// each "after" the new one; both run, so the guide cannot drift from the
// code.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/goasyncio/asyncio/compat"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// fetch is a callback API of the kind MIGRATING.md starts from.
func fetch(url string, cb func(body string, err error)) {
	go cb("body of "+url, nil)
}

// Before: a callback, with the result handed out through a channel.
func fetchBefore(url string) string {
	ch := make(chan string, 1)
	fetch(url, func(body string, err error) { ch <- body })
	return <-ch
}

// After: a future, awaited from a coroutine with a bound on the wait.
func fetchAfter(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return future.Await(ctx, compat.FromCallback(ctx, func(cb func(string, error)) { fetch(url, cb) }))
}

// Example_fromCallbacks migrates one call of a callback API.
func Example_fromCallbacks() {
	fmt.Println(fetchBefore("/a"))
	body, err := loop.Run(context.Background(), func(ctx context.Context) (string, error) {
		return fetchAfter(ctx, "/a")
	})
	fmt.Println(body, err)
	// Output:
	// body of /a
	// body of /a <nil>
}

// lengthsBefore fans out with goroutines, a WaitGroup and a results slice.
func lengthsBefore(words []string) []int {
	out := make([]int, len(words))
	var wg sync.WaitGroup
	for i, w := range words {
		wg.Go(func() { out[i] = len(w) })
	}
	wg.Wait()
	return out
}

// lengthsAfter fans out with coroutines gathered in order.
func lengthsAfter(ctx context.Context, words []string) ([]int, error) {
	aws := make([]future.Awaitable[int], len(words))
	for i, w := range words {
		aws[i] = future.Coroutine[int](func(context.Context) (int, error) { return len(w), nil })
	}
	return future.Await(ctx, loop.Gather(ctx, aws...))
}

// Example_fromGoroutines replaces go, WaitGroup and channels with tasks and
// Gather.
func Example_fromGoroutines() {
	words := []string{"go", "asyncio", "loop"}
	fmt.Println(lengthsBefore(words))
	got, err := loop.Run(context.Background(), func(ctx context.Context) ([]int, error) {
		return lengthsAfter(ctx, words)
	})
	fmt.Println(got, err)
	// Output:
	// [2 7 4]
	// [2 7 4] <nil>
}

// upperBefore uses errgroup: first error wins and cancels the rest.
func upperBefore(ctx context.Context, words []string) ([]string, error) {
	g, ctx := errgroup.WithContext(ctx)
	out := make([]string, len(words))
	for i, w := range words {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			out[i] = strings.ToUpper(w)
			return nil
		})
	}
	return out, g.Wait()
}

// upperAfter uses a task group: the same fail-fast rule, on the loop.
func upperAfter(ctx context.Context, words []string) ([]string, error) {
	out := make([]string, len(words))
	err := loop.WithTaskGroup(ctx, func(ctx context.Context, g *loop.TaskGroup) error {
		for i, w := range words {
			loop.CreateTaskIn(g, func(context.Context) (struct{}, error) {
				out[i] = strings.ToUpper(w)
				return struct{}{}, nil
			})
		}
		return nil
	})
	return out, err
}

// Example_fromErrgroup replaces errgroup.WithContext with loop.WithTaskGroup.
func Example_fromErrgroup() {
	words := []string{"a", "b"}
	fmt.Println(upperBefore(context.Background(), words))
	fmt.Println(loop.Run(context.Background(), func(ctx context.Context) ([]string, error) {
		return upperAfter(ctx, words)
	}))
	// Output:
	// [A B] <nil>
	// [A B] <nil>
}

// ExampleGenerator is @asyncio.coroutine with yield from, and the same
// coroutine awaited from native code.
func ExampleGenerator() {
	double := func(n int) future.Coroutine[int] {
		return func(context.Context) (int, error) { return 2 * n, nil }
	}
	// @asyncio.coroutine
	// def compute():
	//     x = yield from double(20)
	//     return '{}!'.format(x + 2)
	compute := compat.Generator(func(y *compat.Yield) (string, error) {
		x, err := compat.YieldFrom(y, double(20))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d!", x+2), nil
	})
	fmt.Println(loop.Run(context.Background(), func(ctx context.Context) (string, error) {
		return future.Await(ctx, compute)
	}))
	// Output: 42! <nil>
}

// ExampleFromCallback2 adapts a callback with two results.
func ExampleFromCallback2() {
	stat := func(path string, cb func(size int, mode string, err error)) { cb(len(path), "rw", nil) }
	f := compat.FromCallback2(context.Background(), func(cb func(int, string, error)) { stat("/etc/x", cb) })
	v, err := future.Await(context.Background(), f)
	fmt.Println(v.First, v.Second, err)
	// Output: 6 rw <nil>
}

// ExampleToCallback hands a task's result to a caller that still wants a
// callback.
func ExampleToCallback() {
	_, _ = loop.Run(context.Background(), func(ctx context.Context) (struct{}, error) {
		l, _ := loop.GetRunningLoop(ctx)
		task := loop.CreateTask(l, func(context.Context) (string, error) { return "ready", nil })
		_ = compat.ToCallback(task, func(v string, err error) { fmt.Println("old caller got", v, err) })
		_, err := future.Await(ctx, task)
		return struct{}{}, err
	})
	// Output: old caller got ready <nil>
}

// ExampleListen reads an event listener as an iterator; breaking out
// unsubscribes.
func ExampleListen() {
	subscribe := func(cb func(string)) (unsubscribe func()) {
		for _, e := range []string{"open", "data", "close"} {
			cb(e)
		}
		return func() { fmt.Println("unsubscribed") }
	}
	for e, err := range compat.Listen(context.Background(), 8, subscribe) {
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Println(e)
		if e == "close" {
			break
		}
	}
	// Output:
	// open
	// data
	// close
	// unsubscribed
}
