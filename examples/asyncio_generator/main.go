// Command asyncio_generator is asyncio_coroutine_chain written in the
// pre-3.5 style: generator functions wrapped with @asyncio.coroutine and
// chained with yield from. The Go translation wraps each body with
// compat.Generator and spells `yield from` as compat.YieldFrom.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/goasyncio/asyncio/compat"
	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// pair is the tuple outer returns.
type pair struct{ result1, result2 string }

func outer(w io.Writer) future.Coroutine[pair] {
	return compat.Generator(func(y *compat.Yield) (pair, error) {
		fmt.Fprintln(w, "in outer")
		fmt.Fprintln(w, "waiting for result1")
		result1, err := compat.YieldFrom(y, phase1(w))
		if err != nil {
			return pair{}, err
		}
		fmt.Fprintln(w, "waiting for result2")
		result2, err := compat.YieldFrom(y, phase2(w, result1))
		if err != nil {
			return pair{}, err
		}
		return pair{result1, result2}, nil
	})
}

func phase1(w io.Writer) future.Coroutine[string] {
	return compat.Generator(func(*compat.Yield) (string, error) {
		fmt.Fprintln(w, "in phase1")
		return "result1", nil
	})
}

func phase2(w io.Writer, arg string) future.Coroutine[string] {
	return compat.Generator(func(*compat.Yield) (string, error) {
		fmt.Fprintln(w, "in phase2")
		return fmt.Sprintf("result2 derived from %s", arg), nil
	})
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
