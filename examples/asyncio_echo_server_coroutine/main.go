// Command asyncio_echo_server_coroutine is a TCP echo server written with
// the loop's streams: the Go translation of asyncio_echo_server_coroutine.py.
// It serves on localhost port 10000 (-addr to change it) until interrupted
// (Ctrl-C), logging what each connection sends to standard error in the
// chapter's format; run asyncio_echo_client_coroutine against it.
//
// asyncio's start_server is streams.StartServer, run to completion before
// the loop runs forever, as in Python; KeyboardInterrupt, which ends
// Python's run_forever, is a signal handler that stops the loop here. Two
// differences show in the output: asyncio logs the selector it picked
// ("asyncio: Using selector: KqueueSelector") and this loop logs nothing
// of the kind; and asyncio's server listens on every address localhost
// has (the chapter's clients came from ::1) where Go's listener takes the
// first one, usually 127.0.0.1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/examples/internal/pylog"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// echo serves one connection: it sends back what it reads, 128 bytes at a
// time, until the client has sent everything.
func echo(out *pylog.Output) streams.Handler {
	return func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
		log := out.Logger(pylog.Peer(w.RemoteAddr()))
		log("connection accepted")
		for {
			data, err := r.Read(ctx, 128)
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			if len(data) == 0 { // asyncio's b'': the client is done
				log("closing")
				return w.Close()
			}
			log("received %s", pyfmt.Bytes(data))
			if err := w.Write(data); err != nil {
				return err
			}
			if err := w.Drain(ctx); err != nil {
				return err
			}
			log("sent %s", pyfmt.Bytes(data))
		}
	}
}

// run serves on addr until the loop is stopped. started is called once the
// server listens, with the loop and the address it listens on; it arranges
// for the loop's Stop (main: on Ctrl-C).
func run(w io.Writer, engineName, addr string, started func(*loop.Loop, net.Addr) error, opts ...loop.Option) (err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	out := pylog.New(w)
	log := out.Logger("main")
	l, err := engine.New(engineName, opts...)
	if err != nil {
		return err
	}
	defer func() {
		log("closing event loop")
		if cerr := l.Close(); err == nil {
			err = cerr
		}
	}()
	ctx := context.Background()
	// Create the server and let the loop finish the coroutine before
	// starting the real event loop.
	server, err := loop.RunUntilComplete(ctx, l, future.Coroutine[*streams.Server](func(ctx context.Context) (*streams.Server, error) {
		return streams.StartServer(ctx, echo(out), "tcp", addr)
	}))
	if err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(server.Addr().String())
	log("starting up on %s port %s", host, port)
	if err := started(l, server.Addr()); err != nil {
		return err
	}
	// Enter the event loop until stopped, to handle all connections.
	err = l.RunForever(ctx)
	log("closing server")
	server.Close()
	_, werr := loop.RunUntilComplete(ctx, l, future.Coroutine[struct{}](func(ctx context.Context) (struct{}, error) {
		return struct{}{}, server.WaitClosed(ctx)
	}))
	return errors.Join(err, werr)
}

// stopOnInterrupt stops l when the process is interrupted (Ctrl-C).
func stopOnInterrupt(l *loop.Loop, _ net.Addr) error {
	return l.AddSignalHandler(os.Interrupt, l.Stop)
}

func main() {
	name := engine.Flag()
	addr := flag.String("addr", "localhost:10000", "address to serve on")
	flag.Parse()
	if err := run(os.Stderr, *name, *addr, stopOnInterrupt); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
