package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/loop"
)

// The output asyncio_condition.py prints when its consumers start in order
// (the chapter's run started them as 3, 1, 2, 0, 4, and woke them in that
// order).
const want = `starting manipulate_condition
consumer 0 is waiting
consumer 1 is waiting
consumer 2 is waiting
consumer 3 is waiting
consumer 4 is waiting
notifying 1 consumers
consumer 0 triggered
ending consumer 0
notifying 2 consumers
consumer 1 triggered
ending consumer 1
consumer 2 triggered
ending consumer 2
notifying remaining consumers
ending manipulate_condition
consumer 3 triggered
ending consumer 3
consumer 4 triggered
ending consumer 4
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, run, loop.WithVirtualTime())
}
