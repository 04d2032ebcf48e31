package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

// TestMain runs echoload's main instead of the tests when asked to, so
// that a test can start echoload as a process of its own (which
// -sched=batch then executes again).
func TestMain(m *testing.M) {
	if os.Getenv("ECHOLOAD_RUN_MAIN") != "" {
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// echoload returns a command that runs echoload with args.
func echoload(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "ECHOLOAD_RUN_MAIN=1")
	return cmd
}

func TestUnknownPolicyIsAnError(t *testing.T) {
	out, err := echoload("-sched=fifo", "-conns=0").CombinedOutput()
	var exit *exec.ExitError
	if assert.True(t, errors.As(err, &exit), "exit: %v", err) {
		assert.Equal(t, 2, exit.ExitCode())
	}
	assert.True(t, strings.Contains(string(out), "want batch or normal"), "output %q", out)
}
