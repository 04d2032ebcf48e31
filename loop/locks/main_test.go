package locks_test

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/looptest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var bg = context.Background()

// engines and eachEngine run every test on both loop engines.
var (
	engines    = looptest.Engines
	eachEngine = looptest.Each
)

// run is RunUntilComplete of a coroutine body on l.
func run[T any](l *loop.Loop, body func(ctx context.Context) (T, error)) (T, error) {
	return loop.RunUntilComplete(bg, l, future.Coroutine[T](body))
}

// task is CreateTask of a body with no result.
func task(l *loop.Loop, body func(ctx context.Context) error) *future.Future[struct{}] {
	return loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, body(ctx)
	})
}

// await awaits every future in fs and joins their errors.
func awaitAll(ctx context.Context, fs ...*future.Future[struct{}]) error {
	var errs []error
	for _, f := range fs {
		if _, err := future.Await(ctx, f); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// maxTurns bounds yieldUntil and spinUntil, so that a state that is never
// reached fails the test instead of hanging it.
const maxTurns = 1_000_000

var errNeverReached = errors.New("test: state never reached")

// yieldUntil gives the loop turns until cond holds: how a coroutine waits
// for other tasks to reach a state (say, queued on a lock) without sleeping.
func yieldUntil(ctx context.Context, cond func() bool) error {
	for range maxTurns {
		if cond() {
			return nil
		}
		if err := loop.Sleep(ctx, 0); err != nil {
			return err
		}
	}
	return errNeverReached
}

// spinUntil is yieldUntil for plain goroutines.
func spinUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for range maxTurns {
		if cond() {
			return
		}
		runtime.Gosched()
	}
	t.Fatal(errNeverReached)
}
