package bench

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a benchmark leaves a goroutine behind: every
// loop it makes must be closed and every helper goroutine must end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
