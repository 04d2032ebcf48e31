//go:build unix

package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
)

// The output of asyncio_signal.py in the chapter, with its pid as PID.
const want = `starting send_signals for PID
sending SIGHUP
yielding control
signal_handler('SIGHUP')
sending SIGHUP
yielding control
signal_handler('SIGHUP')
sending SIGUSR1
yielding control
signal_handler('SIGUSR1')
sending SIGINT
yielding control
signal_handler('SIGINT')
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// handlerWatch is the program's output, which resolves the i-th promise
// when the i-th handler line is written.
type handlerWatch struct {
	mu   sync.Mutex
	out  bytes.Buffer
	seen int
	ran  []future.Promise[struct{}]
}

func (h *handlerWatch) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if bytes.HasPrefix(p, []byte("signal_handler(")) && h.seen < len(h.ran) {
		_ = h.ran[h.seen].Resolve(struct{}{})
		h.seen++
	}
	return h.out.Write(p)
}

var pid = regexp.MustCompile(`for \d+\n`)

// The chapter's 10 ms sleep gives the handler time to run; under load
// (the race detector, an emulator) a signal can take longer to arrive,
// so the test's pause waits for the handler's line itself. The printed
// lines, and their order, are the program's.
func TestOutputMatchesPython(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			h := &handlerWatch{}
			for range signals {
				h.ran = append(h.ran, future.NewPromise[struct{}]())
			}
			pause := func(ctx context.Context, i int) error {
				_, err := future.Await(ctx, h.ran[i].Future())
				return err
			}
			require.NoError(t, run(h, name, pause))
			assert.Equal(t, want, pid.ReplaceAllString(h.out.String(), "for PID\n"))
		})
	}
}

// With the chapter's own pause, a 10 ms sleep, the program ends normally
// (the SIGINT it sends itself runs a handler instead of ending the test
// binary) and prints only the chapter's lines. Delivery can lag the sleep
// under load, so their order is not compared.
func TestTheChaptersSleepAlsoWorks(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			var out syncBuffer
			require.NoError(t, run(&out, name, yieldControl))
			got := strings.Split(pid.ReplaceAllString(out.String(), "for PID\n"), "\n")
			assert.Subset(t, strings.Split(want, "\n"), got)
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the loop and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
