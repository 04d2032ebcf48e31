package main

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
)

const want = `legacy callback: "welcome\nhello" <nil>
new coroutine titles: ["WELCOME" "ABOUT US"]
new coroutine error: fetch /missing: not found (not found: true)
old caller of Title: "ABOUT US" <nil>
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOldAndNewCallersSideBySide(t *testing.T) { engine.Check(t, want, run) }
