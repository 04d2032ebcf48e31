package compat_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/goasyncio/asyncio/compat"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// ExampleYieldFrom yields from values of different types in one body; each
// comes back with its own static type.
func ExampleYieldFrom() {
	name := future.Coroutine[string](func(context.Context) (string, error) { return "answer", nil })
	p := future.NewPromise[int]()
	_ = p.Resolve(42)
	gen := compat.Generator(func(y *compat.Yield) (string, error) {
		s, err := compat.YieldFrom(y, name) // string
		if err != nil {
			return "", err
		}
		n, err := compat.YieldFrom(y, p.Future()) // int
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s=%d", s, n), nil
	})
	fmt.Println(future.Await(context.Background(), gen))
	// Output: answer=42 <nil>
}

// ExampleFromCallback turns Fetch(url, func(body, err)) into a future.
func ExampleFromCallback() {
	fetch := func(url string, cb func([]byte, error)) {
		go func() {
			if url == "" {
				cb(nil, errors.New("empty url"))
				return
			}
			cb([]byte("<html>"), nil)
		}()
	}
	fmt.Println(loop.Run(context.Background(), func(ctx context.Context) (string, error) {
		body, err := future.Await(ctx, compat.FromCallback(ctx, func(cb func([]byte, error)) { fetch("/", cb) }))
		return string(body), err
	}))
	// Output: <html> <nil>
}

// ExampleFromCallback3 adapts a callback with three results.
func ExampleFromCallback3() {
	lookup := func(cb func(host string, port int, secure bool, err error)) { cb("example.org", 443, true, nil) }
	v, err := future.Await(context.Background(), compat.FromCallback3(context.Background(), lookup))
	fmt.Println(v.First, v.Second, v.Third, err)
	// Output: example.org 443 true <nil>
}

// ExampleFromValueCallback adapts a callback that cannot fail.
func ExampleFromValueCallback() {
	onReady := func(cb func(id int)) { cb(7) }
	v, err := future.Await(context.Background(), compat.FromValueCallback(context.Background(), onReady))
	fmt.Println(v, err)
	// Output: 7 <nil>
}

// ExampleFromErrCallback adapts a completion callback carrying only an
// error.
func ExampleFromErrCallback() {
	flush := func(cb func(err error)) { cb(errors.New("disk full")) }
	_, err := future.Await(context.Background(), compat.FromErrCallback(context.Background(), flush))
	fmt.Println(err)
	// Output: disk full
}

// ExampleWithMisuseHandler sees a callback called twice; the first result
// stands.
func ExampleWithMisuseHandler() {
	twice := func(cb func(string, error)) {
		cb("first", nil)
		cb("second", nil)
	}
	f := compat.FromCallback(context.Background(), twice, compat.WithMisuseHandler(func(err error) {
		fmt.Println("reported:", errors.Is(err, compat.ErrCalledTwice))
	}))
	fmt.Println(future.Await(context.Background(), f))
	// Output:
	// reported: true
	// first <nil>
}
