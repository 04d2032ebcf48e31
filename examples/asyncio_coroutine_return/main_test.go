package main

import (
	"testing"

	"github.com/goasyncio/asyncio/examples/internal/engine"
)

const want = `in coroutine
it returned: 'result'
`

func TestOutputMatchesPython(t *testing.T) { engine.Check(t, want, run) }
