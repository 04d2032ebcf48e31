package loop_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// childEnv names the test a re-run of the test binary is for.
const childEnv = "LOOP_TEST_CHILD"

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
	cmd := exec.Command(os.Args[0], "-test.run="+runPattern(t.Name()), "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
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
