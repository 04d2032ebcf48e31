// Command asyncio_echo_server_coroutine is a TCP echo server written with
// the loop's streams: the Go translation of asyncio_echo_server_coroutine.py.
// It serves on localhost port 10000 (-addr to change it) until interrupted
// (Ctrl-C), logging what each connection sends to standard error in the
// chapter's format; run asyncio_echo_client_coroutine against it.
//
// asyncio's start_server is streams.StartServer, run to completion before
// the loop runs forever, as in Python (the server's life is echo.Serve,
// shared with asyncio_echo_server_ssl); KeyboardInterrupt, which ends
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

	"github.com/goasyncio/asyncio/examples/internal/echo"
	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/examples/internal/pylog"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// handler serves one connection: it sends back what it reads, 128 bytes
// at a time, until the client has sent everything.
func handler(out *pylog.Output) streams.Handler {
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

// run serves on addr until the loop is stopped; started is called once
// the server listens (main: it stops the loop on Ctrl-C).
func run(w io.Writer, engineName, addr string, started func(*loop.Loop, net.Addr) error, opts ...loop.Option) error {
	return echo.Serve(w, engineName, addr, handler, started, opts)
}

func main() {
	name := engine.Flag()
	addr := flag.String("addr", "localhost:10000", "address to serve on")
	flag.Parse()
	if err := run(os.Stderr, *name, *addr, echo.StopOnInterrupt); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
