package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
)

// The output asyncio_create_task.py prints, as the chapter shows it, less
// the source locations in the task reprs ("running at
// asyncio_create_task.py:12", "done, defined at asyncio_create_task.py:12").
const want = `creating task
waiting for <Task pending coro=<task_func()>>
in task_func
task completed <Task finished coro=<task_func()> result='the result'>
return value: 'the result'
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, run)
}
