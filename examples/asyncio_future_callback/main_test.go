package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
)

// The output asyncio_future_callback.py prints, as the chapter shows it.
const want = `registering callbacks on future
setting result of future
1: future done: the result
2: future done: the result
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, run)
}
