// Package echo is what the chapter's echo programs share: the server's
// life (start the server, run the loop until stopped, close and wait) and
// the client's coroutine (send the parts, say the message is over, log
// the reply). The programs keep what differs: the server's handler, how
// the client ends its message, and TLS.
package echo

import (
	"context"
	"errors"
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

// Serve is the chapter's server program: it starts a server on addr with
// the handler handler(out) makes and sopts (WithTLS), logs that it is up,
// runs the loop until it is stopped (started arranges that, once the
// server listens), then closes the server, waits for it, and closes the
// loop, logging each step as "main". The port logged is the one the
// server listens on (addr's, unless that is 0).
func Serve(w io.Writer, engineName, addr string, handler func(*pylog.Output) streams.Handler,
	started func(*loop.Loop, net.Addr) error, opts []loop.Option, sopts ...streams.Option) (err error) {
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
		return streams.StartServer(ctx, handler(out), "tcp", addr, sopts...)
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

// StopOnInterrupt stops l when the process is interrupted (Ctrl-C), as
// KeyboardInterrupt ends Python's run_forever: Serve's started in main.
func StopOnInterrupt(l *loop.Loop, _ net.Addr) error {
	return l.AddSignalHandler(os.Interrupt, l.Stop)
}

// Client is the chapter's echo_client coroutine: it connects to addr with
// sopts, writes each message (logging it), calls end to say the message is
// over (WriteEOF, or a NUL byte over TLS), drains, and logs the reply, 128
// bytes at a time, until the server closes the connection.
func Client(out *pylog.Output, addr string, messages [][]byte, end func(*streams.Writer) error, sopts ...streams.Option) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		log := out.Logger("echo_client")
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return struct{}{}, err
		}
		log("connecting to %s port %s", host, port)
		reader, writer, err := streams.OpenConnection(ctx, "tcp", addr, sopts...)
		if err != nil {
			return struct{}{}, err
		}
		defer writer.Abort() // a no-op once closed; on an error, drop the connection
		// This could be WriteLines, except that that would make it
		// harder to show each part of the message being sent.
		for _, msg := range messages {
			if err := writer.Write(msg); err != nil {
				return struct{}{}, err
			}
			log("sending %s", pyfmt.Bytes(msg))
		}
		if err := end(writer); err != nil {
			return struct{}{}, err
		}
		if err := writer.Drain(ctx); err != nil {
			return struct{}{}, err
		}
		log("waiting for response")
		for {
			data, err := reader.Read(ctx, 128)
			if err != nil && !errors.Is(err, io.EOF) {
				return struct{}{}, err
			}
			if len(data) == 0 {
				log("closing")
				return struct{}{}, writer.Close()
			}
			log("received %s", pyfmt.Bytes(data))
		}
	}
}

// RunClient is the chapter's client program: Client on a loop of the named
// engine, then "main: closing event loop".
func RunClient(w io.Writer, engineName, addr string, messages [][]byte, end func(*streams.Writer) error,
	opts []loop.Option, sopts ...streams.Option) (err error) {
	out := pylog.New(w)
	l, err := engine.New(engineName, opts...)
	if err != nil {
		return err
	}
	defer func() {
		out.Logger("main")("closing event loop")
		if cerr := l.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = loop.RunUntilComplete(context.Background(), l, Client(out, addr, messages, end, sopts...))
	return err
}
