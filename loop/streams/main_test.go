package streams_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/looptest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	bg         = context.Background()
	eachEngine = looptest.Each
)

// run is RunUntilComplete of a coroutine body on l, under a watchdog: a
// body still running after hangAfter is cancelled with errHung, so that a
// test that would hang fails by its name (CI shows the end of the output
// only) and the package's other tests still run.
func run[T any](l *loop.Loop, body func(ctx context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeoutCause(bg, hangAfter, errHung)
	defer cancel()
	return loop.RunUntilComplete(ctx, l, future.Coroutine[T](body))
}

// hangAfter is far past any test's time, under -race or an emulator.
const hangAfter = 2 * time.Minute

var errHung = errors.New("streams test: still running after " + hangAfter.String() + ", taken as hung")

// The single-thread loop reads its streams on its own poller where the OS
// has one; the portable path, a read goroutine per stream, must pass the
// same tests.
func init() {
	looptest.Add(looptest.With(loop.Engine{Name: "single-portable", New: loop.NewSingleThread}, loop.WithPortableIO()))
}
