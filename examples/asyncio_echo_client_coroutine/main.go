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
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/goasyncio/asyncio/examples/internal/echo"
	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// messages are sent one write each.
var messages = [][]byte{
	[]byte("This is the message. "),
	[]byte("It will be sent "),
	[]byte("in parts."),
}

// writeEOF ends the message by half-closing the connection, where the
// stream can (TCP can).
func writeEOF(w *streams.Writer) error {
	if w.CanWriteEOF() {
		return w.WriteEOF()
	}
	return nil
}

// run is the chapter's client, echo.Client (shared with
// asyncio_echo_client_ssl), sending messages to addr.
func run(w io.Writer, engineName, addr string, opts ...loop.Option) error {
	return echo.RunClient(w, engineName, addr, messages, writeEOF, opts)
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
