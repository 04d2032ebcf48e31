package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/loop"
)

// The output asyncio_gather.py prints, with phase1 started first as it is
// listed first (the chapter's run started phase2 first). The results are in
// argument order either way.
const want = `starting main
waiting for phases to complete
in phase1
in phase2
done with phase2
done with phase1
results: ['phase1 result', 'phase2 result']
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, run, loop.WithVirtualTime())
}
