package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/loop"
)

// The output of asyncio_call_at.py as the chapter shows it, with each clock
// reading as seconds after the first one (see the package comment) and the
// wall-clock line left out. The chapter's readings were 0.000, 0.105 and
// 0.203 seconds after now.
const want = `entering event loop
loop  time: 0.0
registering callbacks
callback 3 invoked at 0.0
callback 2 invoked at 0.1
callback 1 invoked at 0.2
closing event loop
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The test runs on virtual time, where every reading is exact, so that the
// output cannot depend on how busy the machine is.
func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, run, loop.WithVirtualTime())
}
