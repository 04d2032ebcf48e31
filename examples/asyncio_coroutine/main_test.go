package main

import (
	"testing"

	"github.com/goasyncio/asyncio/examples/internal/engine"
)

// The output asyncio_coroutine.py prints, as the chapter shows it.
const want = `starting coroutine
entering event loop
in coroutine
closing event loop
`

func TestOutputMatchesPython(t *testing.T) { engine.Check(t, want, run) }
