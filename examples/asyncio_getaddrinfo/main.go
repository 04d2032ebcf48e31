// Command asyncio_getaddrinfo resolves host names and a service name to
// addresses without blocking the loop: the Go translation of
// asyncio_getaddrinfo.py. Its answers come from the live DNS, so they
// differ from the chapter's (which the sites have since moved from) and
// from run to run; with no network it fails with the resolver's error.
//
// asyncio's loop.getaddrinfo(host, port, proto=IPPROTO_TCP) is
// l.GetAddrInfo(ctx, "tcp", host, port); each loop.AddrInfo's Addr is the
// tuple's sockaddr, whose address is what the chapter prints.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// target is a host and a service to look up.
type target struct{ host, service string }

// targets are the chapter's.
var targets = []target{
	{"pymotw.com", "https"},
	{"doughellmann.com", "https"},
	{"python.org", "https"},
}

func lookUp(w io.Writer, l *loop.Loop, targets []target) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		for _, t := range targets {
			info, err := l.GetAddrInfo(ctx, "tcp", t.host, t.service)
			if err != nil {
				return struct{}{}, err
			}
			for _, host := range info {
				fmt.Fprintf(w, "%-20s: %s\n", t.host, host.Addr.Addr())
			}
		}
		return struct{}{}, nil
	}
}

func run(w io.Writer, engineName string, targets []target, opts ...loop.Option) error {
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
