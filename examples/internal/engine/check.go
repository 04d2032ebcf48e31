package engine

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
)

// Check runs program on every engine and compares what it prints with want,
// byte for byte.
func Check(t *testing.T, want string, program func(w io.Writer, engine string) error) {
	t.Helper()
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := program(&out, name); err != nil {
				t.Fatalf("program failed: %v", err)
			}
			if got := out.String(); got != want {
				t.Errorf("output differs\n got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// CheckWakeOrder is Check for a program whose output order depends on the
// order in which tasks woken at the same moment resume (several waiters of
// one Event, a Notify of two, a queue handing items to two getters).
//
// On the single-thread engine those tasks resume in the order they were
// woken, as in asyncio, and the output is compared byte for byte. On the
// pool engine the woken task bodies race for a worker, so even with one
// worker they may resume in either order; there the test compares only
// which lines were printed, each as often as want has it. When the pool
// resumes woken tasks in order, the programs using this should go back to
// Check.
func CheckWakeOrder(t *testing.T, want string, program func(w io.Writer, engine string) error) {
	t.Helper()
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := program(&out, name); err != nil {
				t.Fatalf("program failed: %v", err)
			}
			got := out.String()
			if got == want {
				return
			}
			if name == "pool" && sameLines(got, want) {
				t.Logf("pool engine: same lines, other order (woken tasks resumed out of order)\n%s", got)
				return
			}
			t.Errorf("output differs\n got:\n%s\nwant:\n%s", got, want)
		})
	}
}

// sameLines reports whether a and b hold the same lines, each the same
// number of times, in any order.
func sameLines(a, b string) bool {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
