// Command asyncio_coroutine_chain has one coroutine await two others in
// turn: the Go translation of asyncio_coroutine_chain.py. Awaiting a
// coroutine runs it inline, in the same task, as Python's await does.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// pair is the tuple outer returns.
type pair struct{ result1, result2 string }

func outer(w io.Writer) future.Coroutine[pair] {
	return func(ctx context.Context) (pair, error) {
		fmt.Fprintln(w, "in outer")
		fmt.Fprintln(w, "waiting for result1")
		result1, err := future.Await(ctx, phase1(w))
		if err != nil {
			return pair{}, err
		}
		fmt.Fprintln(w, "waiting for result2")
		result2, err := future.Await(ctx, phase2(w, result1))
		if err != nil {
			return pair{}, err
		}
		return pair{result1, result2}, nil
	}
}

func phase1(w io.Writer) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		fmt.Fprintln(w, "in phase1")
		return "result1", nil
	}
}

func phase2(w io.Writer, arg string) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		fmt.Fprintln(w, "in phase2")
		return fmt.Sprintf("result2 derived from %s", arg), nil
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		returnValue, err := loop.RunUntilComplete(context.Background(), eventLoop, outer(w))
		if err != nil {
			return err
		}
		// Python prints the tuple's repr.
		fmt.Fprintf(w, "return value: ('%s', '%s')\n", returnValue.result1, returnValue.result2)
		return nil
	})
}

func main() { engine.Main(run) }
