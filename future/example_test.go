package future_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/goasyncio/asyncio/future"
)

func ExampleNewPromise() {
	p := future.NewPromise[int]()
	go func() { _ = p.Resolve(42) }() // the writing side

	v, err := future.Await(context.Background(), p.Future()) // the reading side
	fmt.Println(v, err)
	// Output: 42 <nil>
}

func ExampleFuture_Done() {
	p := future.NewPromise[string]()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_ = p.Resolve("ready")

	select {
	case <-p.Future().Done():
		v, _ := p.Future().Result()
		fmt.Println(v)
	case <-ctx.Done():
		fmt.Println("gave up")
	}
	// Output: ready
}

func ExampleFuture_Cancel() {
	p := future.NewPromise[int]()
	p.Future().Cancel(errors.New("no longer needed"))

	_, err := p.Future().Result()
	fmt.Println(errors.Is(err, future.ErrCancelled), errors.Is(err, context.Canceled))
	fmt.Println(err)
	// Output:
	// true true
	// future: cancelled: no longer needed
}

func ExampleAwait() {
	phase1 := future.Coroutine[string](func(ctx context.Context) (string, error) {
		return "result1", nil
	})
	outer := future.Coroutine[string](func(ctx context.Context) (string, error) {
		r, err := future.Await(ctx, phase1) // runs phase1 inline
		return "outer got " + r, err
	})
	v, err := future.Await(context.Background(), outer)
	fmt.Println(v, err)
	// Output: outer got result1 <nil>
}

func ExampleThen() {
	p := future.NewPromise[int]()
	s := future.Then(p.Future(), func(n int) (string, error) {
		return strconv.Itoa(n * 2), nil
	})
	_ = p.Resolve(21)
	v, err := s.Result()
	fmt.Printf("%q %v\n", v, err)
	// Output: "42" <nil>
}

func ExamplePanicError() {
	c := future.Coroutine[int](func(context.Context) (int, error) {
		panic("something broke")
	})
	_, err := future.Await(context.Background(), c)
	var pe *future.PanicError
	if errors.As(err, &pe) {
		fmt.Println("recovered:", pe.Value, "stack kept:", len(pe.Stack) > 0)
	}
	// Output: recovered: something broke stack kept: true
}
