package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
)

// The output asyncio_cancel_task.py prints, as the chapter shows it, less
// the source location in the task repr ("running at
// asyncio_cancel_task.py:12").
const want = `creating task
canceling task
canceled task <Task cancelling coro=<task_func()>>
caught error from canceled task
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, run)
}
