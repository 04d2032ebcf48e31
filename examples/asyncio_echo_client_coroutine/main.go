// Command asyncio_echo_client_coroutine sends a message in parts to an
// echo server and logs what comes back: the Go translation of
// asyncio_echo_client_coroutine.py. Start asyncio_echo_server_coroutine
// (or the chapter's Python server) first; both use localhost port 10000,
// and -addr changes it. It logs to standard error in the chapter's format.
//
// asyncio's open_connection is streams.OpenConnection; the reader's Read
// returns io.EOF where asyncio's read returns an empty bytes value. The
// line asyncio logs about its selector ("asyncio: Using selector: ...")
// has no counterpart.
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

// messages are sent one write each.
var messages = [][]byte{
	[]byte("This is the message. "),
	[]byte("It will be sent "),
	[]byte("in parts."),
}

// echoClient sends messages to addr, says it is done sending, and logs the
// reply until the server closes the connection.
func echoClient(out *pylog.Output, addr string, messages [][]byte) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		log := out.Logger("echo_client")
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return struct{}{}, err
		}
		log("connecting to %s port %s", host, port)
		reader, writer, err := streams.OpenConnection(ctx, "tcp", addr)
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
		if writer.CanWriteEOF() {
			if err := writer.WriteEOF(); err != nil {
				return struct{}{}, err
			}
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

func run(w io.Writer, engineName, addr string, opts ...loop.Option) (err error) {
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
	_, err = loop.RunUntilComplete(context.Background(), l, echoClient(out, addr, messages))
	return err
}

func main() {
	name := engine.Flag()
	addr := flag.String("addr", "localhost:10000", "address of the echo server")
	flag.Parse()
	if err := run(os.Stderr, *name, *addr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
