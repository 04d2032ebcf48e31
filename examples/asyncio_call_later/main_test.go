package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/loop"
)

// The output asyncio_call_later.py prints, as the chapter shows it.
const want = `entering event loop
registering callbacks
callback 3 invoked
callback 2 invoked
callback 1 invoked
closing event loop
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The test runs on virtual time: the timers fire in deadline order at
// once, instead of after 0.4s of real sleeping per engine.
func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, run, loop.WithVirtualTime())
}
