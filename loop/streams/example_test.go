package streams_test

import (
	"context"
	"fmt"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// An echo server and a client on one loop, as asyncio's streams
// documentation shows them.
func Example() {
	echo := func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
		line, err := r.ReadLine(ctx)
		if err != nil {
			return err
		}
		if err := w.Write(line); err != nil {
			return err
		}
		return w.Drain(ctx)
	}
	reply, err := loop.Run(context.Background(), future.Coroutine[string](func(ctx context.Context) (string, error) {
		srv, err := streams.StartServer(ctx, echo, "tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		defer srv.Close()
		r, w, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String())
		if err != nil {
			return "", err
		}
		defer w.Close()
		if err := w.Write([]byte("Hello World!\n")); err != nil {
			return "", err
		}
		line, err := r.ReadLine(ctx)
		return string(line), err
	}))
	fmt.Printf("%q %v\n", reply, err)
	// Output: "Hello World!\n" <nil>
}
