package loop_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/loop"
)

// handled collects what an exception handler receives, from any goroutine.
type handled struct {
	mu   sync.Mutex
	errs []error
}

func (h *handled) handle(err error) {
	h.mu.Lock()
	h.errs = append(h.errs, err)
	h.mu.Unlock()
}

func (h *handled) list() []error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]error(nil), h.errs...)
}

// busy runs the CPU (not a sleep) until d has passed.
func busy(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}

func TestDebugReportsSlowCallbacksAndSteps(t *testing.T) {
	const limit = time.Millisecond
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			var h handled
			l := e.New(loop.WithDebug(), loop.WithSlowCallbackDuration(limit), loop.WithExceptionHandler(h.handle))
			defer func() { require.NoError(t, l.Close()) }()
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				done := make(chan struct{})
				if _, err := l.CallSoon(func() { busy(2 * limit); close(done) }); err != nil {
					return 0, err
				}
				busy(2 * limit) // this step of the main task is slow too
				if err := loop.Sleep(ctx, 0); err != nil {
					return 0, err
				}
				_, err := loop.ToThread(ctx, func(context.Context) (int, error) { <-done; return 0, nil })
				return 0, err
			})
			require.NoError(t, err)
			var steps, callbacks int
			for _, err := range h.list() {
				var slow *loop.SlowCallbackError
				require.ErrorAs(t, err, &slow)
				assert.Greater(t, slow.Duration, limit)
				if slow.Task {
					steps++
				} else {
					callbacks++
				}
			}
			assert.GreaterOrEqual(t, steps, 1, "the slow task step")
			assert.Equal(t, 1, callbacks, "the slow callback")
		})
	}
}

func TestUnretrievedTaskErrorsAreReported(t *testing.T) {
	eachEngineWithHandler(t, func(t *testing.T, l *loop.Loop, h *handled) {
		read := errors.New("read by someone")
		lost := errors.New("never read")
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			readF := loop.CreateTask(l, func(context.Context) (int, error) { return 0, read })
			loop.CreateTask(l, func(context.Context) (int, error) { return 0, lost })
			loop.CreateTask(l, func(context.Context) (int, error) { panic("lost too") })
			for !readF.IsDone() {
				if err := loop.Sleep(ctx, 0); err != nil {
					return 0, err
				}
			}
			_, err := readF.Result()
			if !errors.Is(err, read) {
				return 0, errors.New("wrong error")
			}
			// Let the other two finish.
			return 0, loop.Sleep(ctx, 0)
		})
		require.NoError(t, err)
		// The collector decides when; ask it until both lost errors are in.
		for i := 0; i < 1000 && len(h.list()) < 2; i++ {
			runtime.GC()
			runtime.Gosched()
		}
		errs := h.list()
		require.Len(t, errs, 2)
		for _, err := range errs {
			assert.ErrorIs(t, err, loop.ErrNeverRetrieved)
			assert.NotErrorIs(t, err, read, "an error someone read is not reported")
			assert.Regexp(t, `: task Task-\d+: `, err.Error(), "the report names the task")
		}
		assert.True(t, errors.Is(errs[0], lost) || errors.Is(errs[1], lost))
	})
}

// eachEngineWithHandler is eachEngine with an exception handler that
// records what it gets.
func eachEngineWithHandler(t *testing.T, test func(t *testing.T, l *loop.Loop, h *handled)) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			var h handled
			l := e.New(loop.WithExceptionHandler(h.handle))
			defer func() { require.NoError(t, l.Close()) }()
			test(t, l, &h)
		})
	}
}
