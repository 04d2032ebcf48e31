package future_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
)

func TestThen(t *testing.T) {
	ctx := context.Background()
	t.Run("maps a value to a new type", func(t *testing.T) {
		p := future.NewPromise[int]()
		s := future.Then(p.Future(), func(v int) (string, error) { return strconv.Itoa(v * 2), nil })
		assert.False(t, s.IsDone())
		require.NoError(t, p.Resolve(21))
		v, err := future.Await(ctx, s)
		require.NoError(t, err)
		assert.Equal(t, "42", v)
	})
	t.Run("an error skips fn and flows through", func(t *testing.T) {
		p := future.NewPromise[int]()
		want := errors.New("upstream")
		called := false
		s := future.Then(p.Future(), func(int) (int, error) { called = true; return 0, nil })
		require.NoError(t, p.Reject(want))
		_, err := s.Result()
		assert.ErrorIs(t, err, want)
		assert.False(t, called)
	})
	t.Run("cancellation flows through as cancellation", func(t *testing.T) {
		p := future.NewPromise[int]()
		s := future.Then(p.Future(), func(v int) (int, error) { return v, nil })
		p.Future().Cancel(nil)
		assert.True(t, s.Cancelled())
	})
	t.Run("fn's error completes the result", func(t *testing.T) {
		p := future.NewPromise[int]()
		require.NoError(t, p.Resolve(1))
		want := errors.New("fn failed")
		s := future.Then(p.Future(), func(int) (int, error) { return 0, want })
		assert.ErrorIs(t, s.Err(), want)
	})
	t.Run("a panic in fn becomes a PanicError", func(t *testing.T) {
		p := future.NewPromise[int]()
		require.NoError(t, p.Resolve(1))
		s := future.Then(p.Future(), func(int) (int, error) { panic("then panicked") })
		var pe *future.PanicError
		require.ErrorAs(t, s.Err(), &pe)
		assert.Equal(t, "then panicked", pe.Value)
	})
	t.Run("nil input gives a failed future", func(t *testing.T) {
		assert.ErrorIs(t, future.Then[int, int](nil, func(v int) (int, error) { return v, nil }).Err(), future.ErrNil)
		assert.ErrorIs(t, future.Then[int, int](future.NewPromise[int]().Future(), nil).Err(), future.ErrNil)
	})
}
