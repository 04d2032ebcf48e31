package loop_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/loop/looptest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// engines and eachEngine run every test on each loop engine, and on a
// third one this line adds: a pool of one worker, whose lone-worker paths
// (CallSoon and yields straight to its queue, batches claimed without
// thieves) the examples run on.
var (
	engines    = looptest.Add(looptest.PoolOf("pool1", 1))
	eachEngine = looptest.Each
)
