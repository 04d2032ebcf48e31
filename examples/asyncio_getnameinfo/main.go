// Command asyncio_getnameinfo turns addresses and ports into host and
// service names without blocking the loop: the Go translation of
// asyncio_getnameinfo.py. Its answers come from the live DNS (reverse
// lookups) and the system's services database, so they change with time;
// an address with no name prints as itself, as in the chapter.
//
// asyncio's loop.getnameinfo((address, port)) is l.GetNameInfo(ctx,
// "tcp", addrPort), which returns the host and the service.
package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// targets are the chapter's.
var targets = []netip.AddrPort{
	netip.MustParseAddrPort("66.33.211.242:443"),
	netip.MustParseAddrPort("104.130.43.121:443"),
}

func lookUp(w io.Writer, l *loop.Loop, targets []netip.AddrPort) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		for _, t := range targets {
			host, service, err := l.GetNameInfo(ctx, "tcp", t)
			if err != nil {
				return struct{}{}, err
			}
			fmt.Fprintf(w, "%-15s: %s %s\n", t.Addr(), host, service)
		}
		return struct{}{}, nil
	}
}

func run(w io.Writer, engineName string, targets []netip.AddrPort, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(l *loop.Loop) error {
		_, err := loop.RunUntilComplete(context.Background(), l, lookUp(w, l, targets))
		return err
	})
}

func main() {
	engine.Main(func(w io.Writer, name string, opts ...loop.Option) error {
		return run(w, name, targets, opts...)
	})
}
