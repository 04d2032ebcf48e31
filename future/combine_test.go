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

// resolved returns a future already completed with v.
func resolved[T any](v T) *future.Future[T] {
	p := future.NewPromise[T]()
	_ = p.Resolve(v)
	return p.Future()
}

// rejected returns a future already failed with err.
func rejected[T any](err error) *future.Future[T] {
	p := future.NewPromise[T]()
	_ = p.Reject(err)
	return p.Future()
}

// promises returns n pending promises and their futures.
func promises[T any](n int) ([]future.Promise[T], []*future.Future[T]) {
	ps := make([]future.Promise[T], n)
	fs := make([]*future.Future[T], n)
	for i := range ps {
		ps[i] = future.NewPromise[T]()
		fs[i] = ps[i].Future()
	}
	return ps, fs
}

func TestAll(t *testing.T) {
	t.Run("values come in argument order whatever the completion order", func(t *testing.T) {
		ps, fs := promises[int](3)
		all := future.All(fs...)
		require.NoError(t, ps[2].Resolve(30))
		require.NoError(t, ps[0].Resolve(10))
		assert.False(t, all.IsDone(), "one input is still pending")
		require.NoError(t, ps[1].Resolve(20))
		v, err := all.Result()
		require.NoError(t, err)
		assert.Equal(t, []int{10, 20, 30}, v)
	})
	t.Run("no futures give an empty slice at once", func(t *testing.T) {
		v, err := future.All[int]().Result()
		require.NoError(t, err)
		assert.NotNil(t, v)
		assert.Empty(t, v)
	})
	t.Run("already completed inputs complete it at once", func(t *testing.T) {
		v, err := future.All(resolved(1), resolved(2)).Result()
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2}, v)
	})
	t.Run("among completed inputs the first failing argument wins", func(t *testing.T) {
		first, second := errors.New("first"), errors.New("second")
		err := future.All(resolved(1), rejected[int](first), rejected[int](second)).Err()
		assert.ErrorIs(t, err, first)
		assert.NotErrorIs(t, err, second)
	})
	t.Run("the first error in completion order wins", func(t *testing.T) {
		ps, fs := promises[int](3)
		all := future.All(fs...)
		first, second := errors.New("first"), errors.New("second")
		require.NoError(t, ps[2].Reject(first))
		require.NoError(t, ps[0].Reject(second))
		assert.ErrorIs(t, all.Err(), first)
		assert.NotErrorIs(t, all.Err(), second)
	})
	t.Run("an error does not cancel the other inputs", func(t *testing.T) {
		ps, fs := promises[int](2)
		all := future.All(fs...)
		require.NoError(t, ps[0].Reject(errors.New("boom")))
		require.Error(t, all.Err())
		assert.False(t, fs[1].IsDone())
		require.NoError(t, ps[1].Resolve(1), "a late input completes normally")
		assert.Error(t, all.Err(), "and changes nothing")
	})
	t.Run("a cancelled input cancels the result", func(t *testing.T) {
		ps, fs := promises[int](2)
		all := future.All(fs...)
		cause := errors.New("stop")
		require.NoError(t, ps[1].Cancel(cause))
		assert.True(t, all.Cancelled())
		assert.ErrorIs(t, all.Err(), cause)
	})
	t.Run("a nil future fails it with ErrNil", func(t *testing.T) {
		p := future.NewPromise[int]()
		all := future.All(p.Future(), nil)
		assert.ErrorIs(t, all.Err(), future.ErrNil)
		assert.Zero(t, future.PendingCallbacks(p.Future()), "nothing was registered")
	})
	t.Run("an early failure stops registration on later inputs", func(t *testing.T) {
		_, fs := promises[int](2)
		all := future.All(rejected[int](errors.New("boom")), fs[0], fs[1])
		require.Error(t, all.Err())
		assert.Zero(t, future.PendingCallbacks(fs[0]))
		assert.Zero(t, future.PendingCallbacks(fs[1]))
	})
	t.Run("cancelling the result leaves the inputs alone", func(t *testing.T) {
		ps, fs := promises[int](2)
		all := future.All(fs...)
		assert.True(t, all.Cancel(nil))
		assert.True(t, all.Cancelled())
		assert.False(t, fs[0].IsDone())
		require.NoError(t, ps[0].Resolve(1))
		require.NoError(t, ps[1].Resolve(2))
		assert.True(t, all.Cancelled(), "late values do not revive it")
	})
}

func TestAllSettled(t *testing.T) {
	t.Run("reports every outcome in argument order", func(t *testing.T) {
		ps, fs := promises[string](3)
		s := future.AllSettled(fs...)
		boom := errors.New("boom")
		require.NoError(t, ps[1].Reject(boom))
		require.NoError(t, ps[2].Cancel(nil))
		assert.False(t, s.IsDone())
		require.NoError(t, ps[0].Resolve("a"))
		rs, err := s.Result()
		require.NoError(t, err)
		require.Len(t, rs, 3)
		assert.Equal(t, future.Result[string]{Value: "a"}, rs[0])
		assert.ErrorIs(t, rs[1].Err, boom)
		assert.ErrorIs(t, rs[2].Err, future.ErrCancelled)
		assert.Empty(t, rs[2].Value)
	})
	t.Run("no futures give an empty slice at once", func(t *testing.T) {
		rs, err := future.AllSettled[int]().Result()
		require.NoError(t, err)
		assert.NotNil(t, rs)
		assert.Empty(t, rs)
	})
	t.Run("already completed inputs complete it at once", func(t *testing.T) {
		rs, err := future.AllSettled(resolved(1), rejected[int](errors.New("x"))).Result()
		require.NoError(t, err)
		assert.Equal(t, 1, rs[0].Value)
		assert.Error(t, rs[1].Err)
	})
	t.Run("a nil future gets an ErrNil slot and the rest are collected", func(t *testing.T) {
		p := future.NewPromise[int]()
		s := future.AllSettled(nil, p.Future())
		assert.False(t, s.IsDone())
		require.NoError(t, p.Resolve(7))
		rs, err := s.Result()
		require.NoError(t, err)
		assert.ErrorIs(t, rs[0].Err, future.ErrNil)
		assert.Equal(t, 7, rs[1].Value)
	})
	t.Run("only nil futures complete it at once", func(t *testing.T) {
		rs, err := future.AllSettled[int](nil, nil).Result()
		require.NoError(t, err)
		assert.ErrorIs(t, rs[1].Err, future.ErrNil)
	})
	t.Run("cancelling the result leaves the inputs alone", func(t *testing.T) {
		ps, fs := promises[int](1)
		s := future.AllSettled(fs...)
		assert.True(t, s.Cancel(nil))
		assert.False(t, fs[0].IsDone())
		require.NoError(t, ps[0].Resolve(1))
		assert.True(t, s.Cancelled())
	})
}

func TestAny(t *testing.T) {
	t.Run("the first value wins, even after errors", func(t *testing.T) {
		ps, fs := promises[int](3)
		a := future.Any(fs...)
		require.NoError(t, ps[0].Reject(errors.New("no")))
		assert.False(t, a.IsDone())
		require.NoError(t, ps[2].Resolve(3))
		require.NoError(t, ps[1].Resolve(2))
		v, err := a.Result()
		require.NoError(t, err)
		assert.Equal(t, 3, v)
	})
	t.Run("when all fail, the aggregate holds every error in argument order", func(t *testing.T) {
		ps, fs := promises[int](3)
		a := future.Any(fs...)
		e0, e1, e2 := errors.New("e0"), errors.New("e1"), errors.New("e2")
		require.NoError(t, ps[2].Reject(e2))
		require.NoError(t, ps[0].Reject(e0))
		require.NoError(t, ps[1].Reject(e1))
		err := a.Err()
		var agg *future.AggregateError
		require.ErrorAs(t, err, &agg)
		assert.Equal(t, []error{e0, e1, e2}, agg.Errors)
		for _, e := range []error{e0, e1, e2} {
			assert.ErrorIs(t, err, e)
		}
		assert.False(t, a.Cancelled())
		assert.Contains(t, err.Error(), "all 3 futures failed")
		assert.Contains(t, err.Error(), "[1] e1")
	})
	t.Run("when all fail and one was cancelled, the result reports cancelled", func(t *testing.T) {
		ps, fs := promises[int](2)
		a := future.Any(fs...)
		boom := errors.New("boom")
		require.NoError(t, ps[0].Cancel(nil))
		require.NoError(t, ps[1].Reject(boom))
		assert.True(t, a.Cancelled(), "as AggregateError documents")
		var agg *future.AggregateError
		require.ErrorAs(t, a.Err(), &agg)
		assert.ErrorIs(t, agg.Errors[0], future.ErrCancelled)
		assert.Same(t, boom, agg.Errors[1])
	})
	t.Run("a cancelled input counts as a failure", func(t *testing.T) {
		ps, fs := promises[int](2)
		a := future.Any(fs...)
		require.NoError(t, ps[0].Cancel(nil))
		assert.False(t, a.IsDone())
		require.NoError(t, ps[1].Resolve(1))
		v, err := a.Result()
		require.NoError(t, err)
		assert.Equal(t, 1, v)
	})
	t.Run("already completed inputs complete it at once", func(t *testing.T) {
		v, err := future.Any(rejected[int](errors.New("x")), resolved(2), resolved(3)).Result()
		require.NoError(t, err)
		assert.Equal(t, 2, v)
	})
	t.Run("no futures fail it with ErrEmpty", func(t *testing.T) {
		assert.ErrorIs(t, future.Any[int]().Err(), future.ErrEmpty)
	})
	t.Run("a nil future fails it with ErrNil", func(t *testing.T) {
		assert.ErrorIs(t, future.Any(resolved(1), nil).Err(), future.ErrNil)
	})
	t.Run("cancelling the result leaves the inputs alone", func(t *testing.T) {
		ps, fs := promises[int](2)
		a := future.Any(fs...)
		assert.True(t, a.Cancel(nil))
		require.NoError(t, ps[0].Reject(errors.New("x")))
		require.NoError(t, ps[1].Resolve(1))
		assert.True(t, a.Cancelled())
	})
}

func TestRace(t *testing.T) {
	t.Run("the first value settles it", func(t *testing.T) {
		ps, fs := promises[string](2)
		r := future.Race(fs...)
		require.NoError(t, ps[1].Resolve("fast"))
		require.NoError(t, ps[0].Reject(errors.New("slow")))
		v, err := r.Result()
		require.NoError(t, err)
		assert.Equal(t, "fast", v)
	})
	t.Run("the first error settles it", func(t *testing.T) {
		ps, fs := promises[string](2)
		r := future.Race(fs...)
		boom := errors.New("boom")
		require.NoError(t, ps[0].Reject(boom))
		require.NoError(t, ps[1].Resolve("late"))
		assert.ErrorIs(t, r.Err(), boom)
	})
	t.Run("a cancellation settles it as cancelled", func(t *testing.T) {
		ps, fs := promises[string](2)
		r := future.Race(fs...)
		require.NoError(t, ps[1].Cancel(nil))
		assert.True(t, r.Cancelled())
	})
	t.Run("among completed inputs the first argument wins", func(t *testing.T) {
		p := future.NewPromise[int]()
		v, err := future.Race(p.Future(), resolved(2), resolved(3)).Result()
		require.NoError(t, err)
		assert.Equal(t, 2, v)
		// Inputs already complete are looked at first (see OnEach), so the
		// race is decided before p is given a callback.
		assert.Equal(t, 0, future.PendingCallbacks(p.Future()), "p got a callback after the race was decided")
		require.NoError(t, p.Resolve(1))
	})
	t.Run("no futures fail it with ErrEmpty", func(t *testing.T) {
		assert.ErrorIs(t, future.Race[int]().Err(), future.ErrEmpty)
	})
	t.Run("a nil future fails it with ErrNil", func(t *testing.T) {
		assert.ErrorIs(t, future.Race[int](nil).Err(), future.ErrNil)
	})
	t.Run("losers are not cancelled and complete quietly", func(t *testing.T) {
		ps, fs := promises[int](2)
		r := future.Race(fs...)
		require.NoError(t, ps[0].Resolve(1))
		assert.False(t, fs[1].IsDone())
		assert.NoError(t, ps[1].Resolve(2))
		v, _ := r.Result()
		assert.Equal(t, 1, v)
	})
}

// TestCombinatorsUnderConcurrency resolves every input from its own
// goroutine, all released at once, so the race detector sees the
// combinators' bookkeeping from many goroutines.
func TestCombinatorsUnderConcurrency(t *testing.T) {
	const n = 64
	rounds := 50
	if raceEnabled {
		rounds = 10
	}
	// run resolves ps[i] with i from n goroutines, failing index fail
	// (none if fail < 0), and waits for all of them.
	run := func(ps []future.Promise[int], fail int) {
		release := make(chan struct{})
		var wg sync.WaitGroup
		for i, p := range ps {
			wg.Go(func() {
				<-release
				if i == fail {
					_ = p.Reject(errors.New("planned"))
					return
				}
				_ = p.Resolve(i)
			})
		}
		close(release)
		wg.Wait()
	}
	ctx := context.Background()
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	t.Run("All collects every value in order", func(t *testing.T) {
		for range rounds {
			ps, fs := promises[int](n)
			all := future.All(fs...)
			run(ps, -1)
			v, err := future.Await(ctx, all)
			require.NoError(t, err)
			require.Equal(t, want, v)
		}
	})
	t.Run("All fails with the one error", func(t *testing.T) {
		for range rounds {
			ps, fs := promises[int](n)
			all := future.All(fs...)
			run(ps, n/2)
			_, err := future.Await(ctx, all)
			require.EqualError(t, err, "planned")
		}
	})
	t.Run("AllSettled sees every outcome", func(t *testing.T) {
		for range rounds {
			ps, fs := promises[int](n)
			s := future.AllSettled(fs...)
			run(ps, 3)
			rs, err := future.Await(ctx, s)
			require.NoError(t, err)
			for i, r := range rs {
				if i == 3 {
					require.Error(t, r.Err)
					continue
				}
				require.Equal(t, future.Result[int]{Value: i}, r)
			}
		}
	})
	t.Run("Any gets some value", func(t *testing.T) {
		for range rounds {
			ps, fs := promises[int](n)
			a := future.Any(fs...)
			run(ps, 0)
			v, err := future.Await(ctx, a)
			require.NoError(t, err)
			require.NotZero(t, v, "index 0 failed, so its value cannot win")
		}
	})
	t.Run("Race gets exactly one outcome", func(t *testing.T) {
		for range rounds {
			ps, fs := promises[int](n)
			r := future.Race(fs...)
			run(ps, -1)
			v, err := future.Await(ctx, r)
			require.NoError(t, err)
			require.Less(t, v, n)
		}
	})
	t.Run("registration racing with completion loses nothing", func(t *testing.T) {
		// The inputs complete while All is still registering on them.
		for range rounds {
			ps, fs := promises[int](n)
			start := make(chan struct{})
			done := make(chan struct{})
			go func() {
				<-start
				run(ps, -1)
				close(done)
			}()
			close(start)
			all := future.All(fs...)
			<-done
			v, err := future.Await(ctx, all)
			require.NoError(t, err)
			require.Equal(t, want, v)
		}
	})
}
