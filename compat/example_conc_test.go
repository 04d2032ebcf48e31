package compat_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/sourcegraph/conc/pool"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// squaresBefore uses a conc result pool (v0.3 returns results in completion
// order, hence the sort).
func squaresBefore(ctx context.Context, ns []int) ([]int, error) {
	p := pool.NewWithResults[int]().WithContext(ctx).WithCancelOnError()
	for _, n := range ns {
		p.Go(func(context.Context) (int, error) { return n * n, nil })
	}
	out, err := p.Wait()
	slices.Sort(out)
	return out, err
}

// squaresAfter uses loop.Gather: results in argument order, first error
// cancels the rest.
func squaresAfter(ctx context.Context, ns []int) ([]int, error) {
	aws := make([]future.Awaitable[int], len(ns))
	for i, n := range ns {
		aws[i] = future.Coroutine[int](func(context.Context) (int, error) { return n * n, nil })
	}
	return future.Await(ctx, loop.Gather(ctx, aws...))
}

// Example_fromConc replaces a conc result pool with Gather.
func Example_fromConc() {
	ns := []int{1, 2, 3}
	fmt.Println(squaresBefore(context.Background(), ns))
	fmt.Println(loop.Run(context.Background(), func(ctx context.Context) ([]int, error) {
		return squaresAfter(ctx, ns)
	}))
	// Output:
	// [1 4 9] <nil>
	// [1 4 9] <nil>
}
