package future_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
)

func TestAwaitFuture(t *testing.T) {
	ctx := context.Background()
	t.Run("a completed future returns at once", func(t *testing.T) {
		p := future.NewPromise[string]()
		require.NoError(t, p.Resolve("ready"))
		v, err := future.Await(ctx, p.Future())
		require.NoError(t, err)
		assert.Equal(t, "ready", v)
	})
	t.Run("a pending future blocks plain goroutine code until completed", func(t *testing.T) {
		p := future.NewPromise[int]()
		started := make(chan struct{})
		go func() {
			<-started
			_ = p.Resolve(3)
		}()
		close(started)
		v, err := future.Await(ctx, p.Future())
		require.NoError(t, err)
		assert.Equal(t, 3, v)
	})
	t.Run("the error comes back typed", func(t *testing.T) {
		p := future.NewPromise[int]()
		want := errors.New("nope")
		require.NoError(t, p.Reject(want))
		_, err := future.Await(ctx, p.Future())
		assert.ErrorIs(t, err, want)
	})
	t.Run("a context ending abandons the wait and leaves the future alone", func(t *testing.T) {
		p := future.NewPromise[int]()
		cause := errors.New("gave up")
		cctx, cancel := context.WithCancelCause(ctx)
		cancel(cause)
		_, err := future.Await(cctx, p.Future())
		assert.ErrorIs(t, err, cause)
		assert.False(t, p.Future().IsDone())
	})
}

func TestAwaitCoroutine(t *testing.T) {
	ctx := context.Background()
	t.Run("making a coroutine runs nothing; awaiting runs it inline", func(t *testing.T) {
		ran := 0
		c := future.Coroutine[int](func(context.Context) (int, error) {
			ran++
			return 2, nil
		})
		assert.Equal(t, 0, ran)
		v, err := future.Await(ctx, c)
		require.NoError(t, err)
		assert.Equal(t, 2, v)
		assert.Equal(t, 1, ran)
	})
	t.Run("coroutines chain, each seeing the caller's context", func(t *testing.T) {
		type key struct{}
		vctx := context.WithValue(ctx, key{}, "outer's")
		inner := future.Coroutine[string](func(ctx context.Context) (string, error) {
			return ctx.Value(key{}).(string), nil
		})
		outer := future.Coroutine[string](func(ctx context.Context) (string, error) {
			s, err := future.Await(ctx, inner)
			return "got " + s, err
		})
		v, err := future.Await(vctx, outer)
		require.NoError(t, err)
		assert.Equal(t, "got outer's", v)
	})
	t.Run("a panic becomes a PanicError that names the panicking function", func(t *testing.T) {
		_, err := future.Await(ctx, future.Coroutine[int](panickingBody))
		var pe *future.PanicError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "deep trouble", pe.Value)
		assert.Contains(t, string(pe.Stack), "panickingBody")
	})
}

func panickingBody(context.Context) (int, error) { panic("deep trouble") }

func TestAwaitBadInput(t *testing.T) {
	ctx := context.Background()
	var nilFuture *future.Future[int]
	_, err := future.Await(ctx, nilFuture)
	assert.ErrorIs(t, err, future.ErrNil)
	var nilCoro future.Coroutine[int]
	_, err = future.Await(ctx, nilCoro)
	assert.ErrorIs(t, err, future.ErrNil)
	_, err = future.Await[int](ctx, nil)
	assert.ErrorIs(t, err, future.ErrNil)
	//lint:ignore SA1012 a nil context is the bad input under test
	_, err = future.Await(nil, future.NewPromise[int]().Future()) //nolint:staticcheck
	assert.ErrorIs(t, err, future.ErrNil)
}

func TestAwaitAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector adds allocations")
	}
	ctx := context.Background()
	p := future.NewPromise[int]()
	require.NoError(t, p.Resolve(1))
	f := p.Future()
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = future.Await(ctx, f) }),
		"awaiting a completed future")
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = future.Await(ctx, immediate) }),
		"awaiting a coroutine inline")
}

var immediate future.Coroutine[int] = func(context.Context) (int, error) { return 1, nil }

func TestFutureRoundTripAllocatesOnce(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector adds allocations")
	}
	allocs := testing.AllocsPerRun(100, func() {
		p := future.NewPromise[int]()
		_ = p.Resolve(1)
		_, _ = p.Future().Result()
	})
	assert.LessOrEqual(t, allocs, 1.0)
}

// parkless is a Suspender that records the Waitable it is asked to wait on.
type parkless struct {
	context.Context
	got future.Waitable
}

func (p *parkless) Suspend(_ context.Context, w future.Waitable) error {
	p.got = w
	return nil
}

func (p *parkless) Value(key any) any {
	if key == (future.SuspenderKey{}) {
		return p
	}
	return p.Context.Value(key)
}

func TestSuspenderOfFindsWhatAwaitFinds(t *testing.T) {
	s := &parkless{Context: context.Background()}
	derived, cancel := context.WithCancel(s)
	defer cancel()

	assert.Same(t, s, future.SuspenderOf(s))
	assert.Same(t, s, future.SuspenderOf(derived))
	assert.Nil(t, future.SuspenderOf(context.Background()))

	// Await asks the same Suspender to park, through the derived context.
	p := future.NewPromise[int]()
	_, _ = future.Await(derived, p.Future())
	assert.Equal(t, future.Waitable(p.Future()), s.got)
}
