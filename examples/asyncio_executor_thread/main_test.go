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
			checkTwoWaves(t, lines)
		})
	}
}

// checkTwoWaves checks what max_workers=3 does to the six jobs: never
// more than three run at once, the first three start first (the executor
// takes jobs in order), and each of the last three starts only after a
// job of the first wave is done.
func checkTwoWaves(t *testing.T, lines []string) {
	t.Helper()
	running, most, dones := 0, 0, 0
	for _, line := range lines {
		var n int
		switch {
		case strings.HasSuffix(line, ": running"):
			if _, err := fmt.Sscanf(strings.TrimSpace(line), "executor blocks(%d): running", &n); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			running++
			most = max(most, running)
			if n >= 3 && dones == 0 {
				t.Errorf("blocks(%d) started before any job of the first wave was done", n)
			}
		case strings.HasSuffix(line, ": done"):
			running--
			dones++
		}
	}
	if most > 3 {
		t.Errorf("%d jobs ran at once; the executor has 3 workers", most)
	}
}
