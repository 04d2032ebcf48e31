package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/loop"
)

// The output asyncio_wait.py prints, with its phases in the order they were
// listed: the chapter's run shows the order its set of tasks happened to have
// ("results: ['phase 1 result', 'phase 0 result', 'phase 2 result']").
const want = `starting main
waiting for phases to complete
in phase 0
in phase 1
in phase 2
done with phase 0
done with phase 1
done with phase 2
results: ['phase 0 result', 'phase 1 result', 'phase 2 result']
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, run, loop.WithVirtualTime())
}
