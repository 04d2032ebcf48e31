package loop_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// childEnv names the test a re-run of the test binary is for.
const childEnv = "LOOP_TEST_CHILD"

// noChildEnv, set to anything, skips the tests that need a child process.
// .ci/run sets it for its pass under qemu's user-mode emulator, where the
// kernel cannot start the arm64 binary and qemu's emulation of the fork
// sometimes never returns (a run hung in wait4 inside syscall.forkExec).
const noChildEnv = "LOOP_TEST_NO_CHILD"

// childTimeout bounds a child process, so that a child that hangs fails
// its test with its output instead of stalling the whole binary.
const childTimeout = 2 * time.Minute

// inChild runs body in a child process running only this test, so that a
// fatal runtime error (a stack overflow, a coroutine switched from the
// wrong thread), which no recover can catch, fails the test instead of the
// whole binary, as singleflight's panic tests do. In the child, body runs
// and inChild returns true; in the parent it waits for the child, fails the
// test if the child failed, and returns false.
func inChild(t *testing.T, body func(t *testing.T)) bool {
	t.Helper()
	switch os.Getenv(childEnv) {
	case t.Name():
		body(t)
		return true
	case "":
	default:
		t.Skip("a child process runs another test")
	}
	if os.Getenv(noChildEnv) != "" {
		t.Skip(noChildEnv, "is set: this test needs a child process")
	}
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+runPattern(t.Name()), "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	require.NoError(t, ctx.Err(), "child process hung; its output:\n%s", out)
	if cannotExec(err) {
		// Run under a user-mode emulator (.ci/run's linux/arm64 pass)
		// that the kernel does not know to start the binary with.
		t.Skip("the test binary cannot start itself here:", err)
	}
	require.NoError(t, err, "child process:\n%s", out)
	return false
}

// runPattern is the -test.run pattern that selects exactly the (sub)test
// name.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}
