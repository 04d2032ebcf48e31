package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
)

// The output asyncio_coroutine.py prints, as the chapter shows it.
const want = `starting coroutine
entering event loop
in coroutine
closing event loop
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOutputMatchesPython(t *testing.T) { engine.Check(t, want, run) }
