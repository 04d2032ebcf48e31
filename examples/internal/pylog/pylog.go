// Package pylog prints log lines in the format the chapter's I/O programs
// give Python's logging, '%(name)s: %(message)s', from any goroutine.
package pylog

import (
	"fmt"
	"io"
	"net"
	"sync"
)

// Output is where loggers write; the lines of all its loggers are written
// whole, one at a time, as Python's logging handler writes them.
type Output struct {
	mu sync.Mutex // serializes writes to w
	w  io.Writer
}

// New returns an Output that writes to w.
func New(w io.Writer) *Output { return &Output{w: w} }

// Logger returns the logger called name: it prints "name: message".
func (o *Output) Logger(name string) func(format string, args ...any) {
	return func(format string, args ...any) {
		line := name + ": " + fmt.Sprintf(format, args...) + "\n"
		o.mu.Lock()
		defer o.mu.Unlock()
		_, _ = io.WriteString(o.w, line)
	}
}

// Peer returns the name the chapter's echo servers log a connection
// under: "echo_" and the peer's host and port joined by "_", as
// 'echo_{}_{}'.format(*address) does with a peer name.
func Peer(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "echo_" + addr.String()
	}
	return "echo_" + host + "_" + port
}
