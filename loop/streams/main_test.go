package streams_test

import (
	"context"
	"testing"

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

// run is RunUntilComplete of a coroutine body on l.
func run[T any](l *loop.Loop, body func(ctx context.Context) (T, error)) (T, error) {
	return loop.RunUntilComplete(bg, l, future.Coroutine[T](body))
}

// The single-thread loop reads its streams on its own poller where the OS
// has one; the portable path, a read goroutine per stream, must pass the
// same tests.
func init() {
	looptest.Add(looptest.With(loop.Engine{Name: "single-portable", New: loop.NewSingleThread}, loop.WithPortableIO()))
}
