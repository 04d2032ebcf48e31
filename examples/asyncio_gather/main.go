// Command asyncio_gather runs two phases concurrently and collects their
// results in argument order, whatever order they finish in: the Go
// translation of asyncio_gather.py. loop.Gather makes each coroutine a task
// and returns a future of the slice of results. The chapter's Python started
// phase2 first, since its gather went through a set; loop.Gather starts the
// tasks in argument order, so phase1 starts first here.
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
)

func phase1(w io.Writer) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		fmt.Fprintln(w, "in phase1")
		if err := loop.Sleep(ctx, 2*time.Second); err != nil {
			return "", err
		}
		fmt.Fprintln(w, "done with phase1")
		return "phase1 result", nil
	}
}

func phase2(w io.Writer) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		fmt.Fprintln(w, "in phase2")
		if err := loop.Sleep(ctx, time.Second); err != nil {
			return "", err
		}
		fmt.Fprintln(w, "done with phase2")
		return "phase2 result", nil
	}
}

func mainCoro(w io.Writer) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "starting main")
		fmt.Fprintln(w, "waiting for phases to complete")
		results, err := future.Await(ctx, loop.Gather[string](ctx, phase1(w), phase2(w)))
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "results: %s\n", pyfmt.List(results))
		return struct{}{}, nil
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		_, err := loop.RunUntilComplete(context.Background(), eventLoop, mainCoro(w))
		return err
	})
}

func main() { engine.Main(run) }
