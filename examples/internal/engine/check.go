package engine

import (
	"bytes"
	"io"
	"testing"

	"github.com/goasyncio/asyncio/loop"
)

// Check runs program on every engine, with opts, and compares what it
// prints with want, byte for byte.
func Check(t *testing.T, want string, program func(w io.Writer, engine string, opts ...loop.Option) error, opts ...loop.Option) {
	t.Helper()
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := program(&out, name, opts...); err != nil {
				t.Fatalf("program failed: %v", err)
			}
			if got := out.String(); got != want {
				t.Errorf("output differs\n got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
