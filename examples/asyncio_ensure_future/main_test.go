package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
)

// The output asyncio_ensure_future.py prints, as the chapter shows it, less
// the source location in the task repr ("running at
// asyncio_ensure_future.py:12").
const want = `entering event loop
starter: creating task
starter: waiting for inner
inner: starting
inner: waiting for <Task pending coro=<wrapped()>>
wrapped
inner: task returned 'result'
starter: inner returned
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, run)
}
