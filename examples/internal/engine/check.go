package engine

import (
	"bytes"
	"io"
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
