package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/loop"
)

// The main thread's lines of asyncio_executor_thread.py, with the results
// in job order (the chapter's run listed them in set order:
// [16, 4, 1, 0, 25, 9]).
const want = `MainThread run_blocking_tasks: starting
MainThread run_blocking_tasks: creating executor tasks
MainThread run_blocking_tasks: waiting for executor tasks
MainThread run_blocking_tasks: results: [0, 1, 4, 9, 16, 25]
MainThread run_blocking_tasks: exiting
`

// lockedBuffer is a bytes.Buffer that several goroutines may write.
type lockedBuffer struct {
	mu  sync.Mutex // protects buf
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, func(w io.Writer, name string, opts ...loop.Option) error {
		return run(w, io.Discard, name, opts...)
	})
}

func TestEveryJobLogsRunningThenDone(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			var workers lockedBuffer
			if err := run(io.Discard, &workers, name); err != nil {
				t.Fatalf("program failed: %v", err)
			}
			lines := strings.Split(strings.TrimSuffix(workers.buf.String(), "\n"), "\n")
			if len(lines) != 12 {
				t.Fatalf("got %d executor lines, want 12:\n%s", len(lines), workers.buf.String())
			}
			for n := range 6 {
				running := slices.Index(lines, fmt.Sprintf("  executor          blocks(%d): running", n))
				done := slices.Index(lines, fmt.Sprintf("  executor          blocks(%d): done", n))
				if running < 0 || done < running {
					t.Errorf("blocks(%d): running at line %d, done at line %d", n, running, done)
				}
			}
		})
	}
}
