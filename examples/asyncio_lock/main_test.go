package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/loop"
)

// The output asyncio_lock.py prints when coro1 starts first, as it always
// does here.
const want = `acquiring the lock before starting coroutines
lock acquired: True
waiting for coroutines
coro1 waiting for the lock
coro2 waiting for the lock
callback releasing lock
coro1 acquired lock
coro1 released lock
coro2 acquired lock
coro2 released lock
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOutputMatchesPython(t *testing.T) {
	engine.Check(t, want, run, loop.WithVirtualTime())
}
