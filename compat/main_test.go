package compat_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/loop/looptest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// eachEngine runs a test on both loop engines.
var eachEngine = looptest.Each
