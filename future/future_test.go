package future_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
)

func TestFutureCompletesOnce(t *testing.T) {
	t.Run("the first completion wins and later ones report ErrAlreadyDone", func(t *testing.T) {
		p := future.NewPromise[int]()
		require.NoError(t, p.Resolve(1))
		assert.ErrorIs(t, p.Resolve(2), future.ErrAlreadyDone)
		assert.ErrorIs(t, p.Reject(errors.New("late")), future.ErrAlreadyDone)
		assert.ErrorIs(t, p.Cancel(nil), future.ErrAlreadyDone)
		assert.False(t, p.Future().Cancel(nil), "cancel of a completed future is refused")
		v, err := p.Future().Result()
		assert.NoError(t, err)
		assert.Equal(t, 1, v)
	})
	t.Run("concurrent completers: exactly one succeeds", func(t *testing.T) {
		p := future.NewPromise[int]()
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := range 8 {
			wg.Go(func() {
				if p.Resolve(i) == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 1, wins)
	})
	t.Run("Reject with a nil error is refused and leaves the future pending", func(t *testing.T) {
		p := future.NewPromise[int]()
		assert.ErrorIs(t, p.Reject(nil), future.ErrNil)
		assert.False(t, p.Future().IsDone())
	})
}

func TestFutureResultWhilePending(t *testing.T) {
	f := future.NewPromise[string]().Future()
	_, err := f.Result()
	assert.ErrorIs(t, err, future.ErrNotDone)
	assert.ErrorIs(t, f.Err(), future.ErrNotDone)
	assert.False(t, f.IsDone())
	select {
	case <-f.Done():
		t.Fatal("Done closed while pending")
	default:
	}
}

func TestFutureDoneWorksInSelect(t *testing.T) {
	p := future.NewPromise[int]()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := p.Future().Done()
	go func() { _ = p.Resolve(7) }()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("context ended first")
	}
	v, err := p.Future().Result()
	require.NoError(t, err)
	assert.Equal(t, 7, v)
	assert.Equal(t, done, p.Future().Done(), "the same channel every time")
}

func TestFutureCancel(t *testing.T) {
	t.Run("cancel completes a promise's future with the cause", func(t *testing.T) {
		p := future.NewPromise[int]()
		cause := errors.New("shutting down")
		require.True(t, p.Future().Cancel(cause))
		f := p.Future()
		assert.True(t, f.Cancelled())
		_, err := f.Result()
		assert.ErrorIs(t, err, future.ErrCancelled)
		assert.ErrorIs(t, err, context.Canceled, "cancellation also reads as context.Canceled")
		assert.ErrorIs(t, err, cause, "the cause is kept")
	})
	t.Run("a cancelled future never also reports a value", func(t *testing.T) {
		p := future.NewPromise[int]()
		require.NoError(t, p.Complete(42, future.Cancelled(nil)))
		v, err := p.Future().Result()
		assert.Zero(t, v)
		assert.True(t, p.Future().Cancelled())
		assert.ErrorIs(t, err, future.ErrCancelled)
	})
}

func TestDoneCallbacks(t *testing.T) {
	t.Run("run in order on the completing goroutine for a future with no loop", func(t *testing.T) {
		p := future.NewPromise[int]()
		var got []int
		for i := range 3 {
			require.NoError(t, p.Future().AddDoneCallback(func(f *future.Future[int]) {
				v, _ := f.Result()
				got = append(got, v*10+i)
			}))
		}
		require.NoError(t, p.Resolve(1))
		assert.Equal(t, []int{10, 11, 12}, got)
	})
	t.Run("added after completion, runs at once", func(t *testing.T) {
		p := future.NewPromise[int]()
		require.NoError(t, p.Resolve(5))
		ran := false
		require.NoError(t, p.Future().AddDoneCallback(func(*future.Future[int]) { ran = true }))
		assert.True(t, ran)
	})
	t.Run("a panic becomes a PanicError with its stack, and the rest still run", func(t *testing.T) {
		p := future.NewPromise[int]()
		ran := false
		require.NoError(t, p.Future().AddDoneCallback(func(*future.Future[int]) { panicInCallback() }))
		require.NoError(t, p.Future().AddDoneCallback(func(*future.Future[int]) { ran = true }))
		err := p.Resolve(1)
		var pe *future.PanicError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "callback exploded", pe.Value)
		assert.Contains(t, string(pe.Stack), "panicInCallback")
		assert.True(t, ran)
		assert.True(t, p.Future().IsDone(), "the future is complete all the same")
	})
	t.Run("nil callback", func(t *testing.T) {
		p := future.NewPromise[int]()
		assert.ErrorIs(t, p.Future().AddDoneCallback(nil), future.ErrNil)
	})
}

func panicInCallback() { panic("callback exploded") }

// inlineExecutor is the smallest Executor: it runs fn at once, or refuses
// once closed.
type inlineExecutor struct {
	mu     sync.Mutex
	closed bool
	ran    int
}

func (e *inlineExecutor) Submit(fn func()) error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return future.ErrClosed
	}
	e.ran++
	e.mu.Unlock()
	fn()
	return nil
}

func TestCallbacksRunOnTheOwner(t *testing.T) {
	e := &inlineExecutor{}
	p := future.NewPromiseOn[int](e)
	calls := 0
	require.NoError(t, p.Future().AddDoneCallback(func(*future.Future[int]) { calls++ }))
	require.NoError(t, p.Resolve(1))
	assert.Equal(t, 1, calls)
	assert.Equal(t, 1, e.ran, "the callback went through the executor")

	// A closed executor does not drop the callback: it runs inline.
	e.closed = true
	p2 := future.NewPromiseOn[int](e)
	require.NoError(t, p2.Future().AddDoneCallback(func(*future.Future[int]) { calls++ }))
	require.NoError(t, p2.Resolve(1))
	assert.Equal(t, 2, calls)
}

func TestPanicErrorUnwrapsErrorValues(t *testing.T) {
	sentinel := errors.New("boom")
	c := future.Coroutine[int](func(context.Context) (int, error) { panic(sentinel) })
	_, err := future.Await(context.Background(), c)
	assert.ErrorIs(t, err, sentinel)
	var pe *future.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Error(), "boom")
}
