package future_test

import (
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
)

func TestCatch(t *testing.T) {
	t.Run("a value passes through and fn is not called", func(t *testing.T) {
		called := false
		c := future.Catch(resolved(1), func(error) (int, error) { called = true; return 0, nil })
		v, err := c.Result()
		require.NoError(t, err)
		assert.Equal(t, 1, v)
		assert.False(t, called)
	})
	t.Run("fn recovers from an error with a value", func(t *testing.T) {
		p := future.NewPromise[int]()
		boom := errors.New("boom")
		var seen error
		c := future.Catch(p.Future(), func(err error) (int, error) { seen = err; return -1, nil })
		assert.False(t, c.IsDone())
		require.NoError(t, p.Reject(boom))
		v, err := c.Result()
		require.NoError(t, err)
		assert.Equal(t, -1, v)
		assert.Same(t, boom, seen)
	})
	t.Run("fn may return another error", func(t *testing.T) {
		wrapped := errors.New("wrapped")
		c := future.Catch(rejected[int](errors.New("boom")), func(err error) (int, error) { return 7, wrapped })
		v, err := c.Result()
		assert.ErrorIs(t, err, wrapped)
		assert.Zero(t, v, "a failed future reports no value")
	})
	t.Run("cancellation is not caught", func(t *testing.T) {
		p := future.NewPromise[int]()
		called := false
		c := future.Catch(p.Future(), func(error) (int, error) { called = true; return 0, nil })
		cause := errors.New("shutdown")
		require.NoError(t, p.Cancel(cause))
		assert.True(t, c.Cancelled())
		assert.ErrorIs(t, c.Err(), cause)
		assert.False(t, called)
	})
	t.Run("a panic from f is caught like any error", func(t *testing.T) {
		pe := future.NewPanicError("earlier")
		c := future.Catch(rejected[int](pe), func(err error) (int, error) {
			var got *future.PanicError
			if errors.As(err, &got) {
				return 1, nil
			}
			return 0, err
		})
		v, err := c.Result()
		require.NoError(t, err)
		assert.Equal(t, 1, v)
	})
	t.Run("a panic in fn becomes a PanicError with its stack", func(t *testing.T) {
		c := future.Catch(rejected[int](errors.New("boom")), func(error) (int, error) { return panicInRecovery() })
		var pe *future.PanicError
		require.ErrorAs(t, c.Err(), &pe)
		assert.Equal(t, "recovery failed", pe.Value)
		assert.Contains(t, string(pe.Stack), "panicInRecovery")
	})
	t.Run("runtime.Goexit in fn gives ErrGoexit instead of a hang", func(t *testing.T) {
		p := future.NewPromise[int]()
		c := future.Catch(p.Future(), func(error) (int, error) { runtime.Goexit(); return 0, nil })
		var wg sync.WaitGroup
		wg.Go(func() { _ = p.Reject(errors.New("boom")) }) // this goroutine ends in fn
		wg.Wait()
		assert.ErrorIs(t, c.Err(), future.ErrGoexit)
	})
	t.Run("fn is skipped once the result is cancelled", func(t *testing.T) {
		p := future.NewPromise[int]()
		called := false
		c := future.Catch(p.Future(), func(error) (int, error) { called = true; return 0, nil })
		assert.True(t, c.Cancel(nil))
		assert.False(t, p.Future().IsDone(), "f is not cancelled with it")
		require.NoError(t, p.Reject(errors.New("boom")))
		assert.False(t, called)
		assert.True(t, c.Cancelled())
	})
	t.Run("fn runs through f's executor", func(t *testing.T) {
		e := &inlineExecutor{}
		p := future.NewPromiseOn[int](e)
		c := future.Catch(p.Future(), func(error) (int, error) { return 1, nil })
		require.NoError(t, p.Reject(errors.New("boom")))
		assert.Equal(t, 1, e.ran)
		v, _ := c.Result()
		assert.Equal(t, 1, v)
	})
	t.Run("nil input gives a failed future", func(t *testing.T) {
		assert.ErrorIs(t, future.Catch(nil, func(error) (int, error) { return 0, nil }).Err(), future.ErrNil)
		assert.ErrorIs(t, future.Catch(resolved(1), nil).Err(), future.ErrNil)
	})
}

func panicInRecovery() (int, error) { panic("recovery failed") }

func TestFinally(t *testing.T) {
	boom := errors.New("boom")
	outcomes := []struct {
		name   string
		settle func(future.Promise[int]) error
		check  func(t *testing.T, f *future.Future[int])
	}{
		{"a value", func(p future.Promise[int]) error { return p.Resolve(5) }, func(t *testing.T, f *future.Future[int]) {
			v, err := f.Result()
			require.NoError(t, err)
			assert.Equal(t, 5, v)
		}},
		{"an error", func(p future.Promise[int]) error { return p.Reject(boom) }, func(t *testing.T, f *future.Future[int]) {
			assert.ErrorIs(t, f.Err(), boom)
		}},
		{"a cancellation", func(p future.Promise[int]) error { return p.Cancel(boom) }, func(t *testing.T, f *future.Future[int]) {
			assert.True(t, f.Cancelled())
			assert.ErrorIs(t, f.Err(), boom)
		}},
	}
	for _, o := range outcomes {
		t.Run("fn runs and "+o.name+" passes through", func(t *testing.T) {
			p := future.NewPromise[int]()
			ran := 0
			f := future.Finally(p.Future(), func() { ran++ })
			assert.Zero(t, ran, "fn waits for f")
			require.NoError(t, o.settle(p))
			assert.Equal(t, 1, ran)
			o.check(t, f)
		})
	}
	t.Run("an already completed future runs fn at once", func(t *testing.T) {
		ran := false
		f := future.Finally(resolved(1), func() { ran = true })
		assert.True(t, ran)
		assert.True(t, f.IsDone())
	})
	t.Run("a panic in fn replaces the outcome with a PanicError", func(t *testing.T) {
		f := future.Finally(resolved(1), func() { panic(boom) })
		var pe *future.PanicError
		require.ErrorAs(t, f.Err(), &pe)
		assert.ErrorIs(t, f.Err(), boom, "the PanicError unwraps to an error value")
		v, _ := f.Result()
		assert.Zero(t, v)
	})
	t.Run("runtime.Goexit in fn gives ErrGoexit instead of a hang", func(t *testing.T) {
		p := future.NewPromise[int]()
		f := future.Finally[int](p.Future(), runtime.Goexit)
		var wg sync.WaitGroup
		wg.Go(func() { _ = p.Resolve(1) }) // this goroutine ends in fn
		wg.Wait()
		assert.ErrorIs(t, f.Err(), future.ErrGoexit)
	})
	t.Run("cancelling the result still runs fn when f completes", func(t *testing.T) {
		p := future.NewPromise[int]()
		ran := false
		f := future.Finally(p.Future(), func() { ran = true })
		assert.True(t, f.Cancel(nil))
		assert.False(t, p.Future().IsDone(), "f is not cancelled with it")
		require.NoError(t, p.Resolve(1))
		assert.True(t, ran)
		assert.True(t, f.Cancelled())
	})
	t.Run("nil input gives a failed future", func(t *testing.T) {
		assert.ErrorIs(t, future.Finally[int](nil, func() {}).Err(), future.ErrNil)
		assert.ErrorIs(t, future.Finally(resolved(1), nil).Err(), future.ErrNil)
	})
}
