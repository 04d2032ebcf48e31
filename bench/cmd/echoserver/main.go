// Command echoserver serves TCP echo until killed, on one of the loop's
// engines or, as the baseline, on plain Go net (a goroutine per
// connection), so that any load generator (bench/cmd/echoload, or another
// language's client) can drive each in turn:
//
//	go run ./bench/cmd/echoserver -engine=single -addr=127.0.0.1:10000
//	go run ./bench/cmd/echoload -addr=127.0.0.1:10000 -conns=10 -size=1024
//
// -engine=single or pool serves with loop/streams (Read, Write and Drain
// in a handler task per connection; single-portable is single with
// loop.WithPortableIO, a read goroutine per stream); -engine=gonet with net.Conn reads
// and writes. It prints "listening on ADDR" once it accepts, and stops on
// SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync"
	"syscall"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// chunk is how much one read asks for, on every engine.
const chunk = 64 << 10

func main() {
	engine := flag.String("engine", "single", "single, pool (the loop's engines), single-portable (single with loop.WithPortableIO) or gonet (plain Go net)")
	addr := flag.String("addr", "127.0.0.1:10000", "address to serve on")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "echoserver:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	stop, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	ready := func(a net.Addr) { fmt.Println("listening on", a) }
	var err error
	if *engine == "gonet" {
		err = serveGoNet(*addr, stop, ready)
	} else {
		err = serveLoop(*engine, *addr, stop, ready)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "echoserver:", err)
		os.Exit(1)
	}
}

// echo is the streams handler: it sends back what it reads until EOF,
// through one buffer, as the Go net baseline does.
func echo(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
	buf := make([]byte, chunk)
	for {
		n, err := r.ReadInto(ctx, buf)
		if n > 0 {
			if werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			if derr := w.Drain(ctx); derr != nil {
				return derr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// serveLoop serves on a loop of the named engine until stop is done,
// calling ready with the address once it listens.
func serveLoop(engine, addr string, stop context.Context, ready func(net.Addr)) error {
	var l *loop.Loop
	for _, e := range loop.Engines() {
		if e.Name == engine {
			l = e.New()
		}
	}
	if engine == "single-portable" {
		l = loop.NewSingleThread(loop.WithPortableIO())
	}
	if l == nil {
		return fmt.Errorf("unknown engine %q", engine)
	}
	defer l.Close()
	ctx := context.Background()
	_, err := loop.RunUntilComplete(ctx, l, future.Coroutine[struct{}](func(ctx context.Context) (struct{}, error) {
		srv, err := streams.StartServer(ctx, echo, "tcp", addr)
		if err != nil {
			return struct{}{}, err
		}
		ready(srv.Addr())
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		defer context.AfterFunc(stop, cancel)()
		if err := srv.ServeForever(sctx); err != nil && !errors.Is(err, context.Canceled) {
			return struct{}{}, err
		}
		return struct{}{}, nil
	}))
	return err
}

// serveGoNet is the baseline: a goroutine per connection and nothing
// else per connection (its memory is the idle-connection floor), until
// stop is done.
func serveGoNet(addr string, stop context.Context, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	ready(ln.Addr())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer context.AfterFunc(stop, func() { ln.Close() })()
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		stopConn := context.AfterFunc(stop, func() { c.Close() })
		wg.Go(func() {
			defer stopConn()
			defer c.Close()
			buf := make([]byte, chunk)
			for {
				n, err := c.Read(buf)
				if n > 0 {
					if _, werr := c.Write(buf[:n]); werr != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		})
	}
}
