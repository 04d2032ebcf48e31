package main

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/loop"
)

// The output of asyncio_debug.py as the chapter shows it, less asyncio's
// line about its selector (see the package comment).
const want = `   INFO: entering event loop
   INFO: outer starting
   INFO: inner starting
   INFO: inner completed
   INFO: outer completed
`

// The output of asyncio_debug.py -v as the chapter shows it, less the
// selector line, with the slow step's time as N, the task's repr as its
// name, and without the chapter's warning about outer's first step (see
// TestVerboseReportsTheBlockingStepOnce). The chapter's run took 0.101
// seconds.
const wantVerbose = `   INFO: enabling debugging
   INFO: entering event loop
   INFO: outer starting
   INFO: inner starting
   INFO: inner completed
WARNING: Executing <Task name='inner'> took N seconds
   INFO: outer completed
`

// warning matches the line the handler logs for a slow task step.
var warning = regexp.MustCompile(`^WARNING: Executing <Task name='([^']*)'> took (\d+\.\d{3}) seconds$`)

// mainTask matches the default name of RunUntilComplete's main task,
// which runs outer.
var mainTask = regexp.MustCompile(`^Task-\d+$`)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, func(w io.Writer, name string, opts ...loop.Option) error {
		return run(w, name, false, opts...)
	})
}

// With -v the loop reports inner's only step, which blocks for 0.1 s,
// exactly once and right after it ends. outer's steps take microseconds,
// under the 1 ms threshold, but a loaded machine (or the race detector) can
// stretch one past it, as the chapter's own run shows ("took 0.001
// seconds"), so warnings about the main task are allowed and left out of
// the comparison.
func TestVerboseReportsTheBlockingStepOnce(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(&out, name, true); err != nil {
				t.Fatalf("program failed: %v", err)
			}
			var kept []string
			reports := 0
			for _, line := range strings.SplitAfter(out.String(), "\n") {
				m := warning.FindStringSubmatch(strings.TrimSuffix(line, "\n"))
				switch {
				case m == nil:
					kept = append(kept, line)
				case m[1] == "inner":
					reports++
					if s, _ := strconv.ParseFloat(m[2], 64); s < 0.1 {
						t.Errorf("inner's step took %s seconds, less than the 0.1 s it blocked for", m[2])
					}
					kept = append(kept, strings.Replace(line, m[2], "N", 1))
				case mainTask.MatchString(m[1]):
					t.Logf("the main task's step was slow too: %s", line)
				default:
					t.Errorf("warning about a task the program does not have: %s", line)
				}
			}
			if reports != 1 {
				t.Errorf("inner's slow step was reported %d times, want once", reports)
			}
			if got := strings.Join(kept, ""); got != wantVerbose {
				t.Errorf("output differs\n got:\n%s\nwant:\n%s\nfull output:\n%s", got, wantVerbose, out.String())
			}
		})
	}
}
