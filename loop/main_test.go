package loop_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/loop/looptest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// engines and eachEngine run every test on both loop engines.
var (
	engines    = looptest.Engines
	eachEngine = looptest.Each
)
