package compat_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/compat"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// seqOver is an iter.Seq-style generator that yields from c (suspending on
// a pending task first), adds 1000, and yields from a coroutine of another
// type on the way.
func seqOver(c future.Coroutine[int]) future.Coroutine[int] {
	return compat.FromSeq(func(yield func(compat.Step) bool) (int, error) {
		var v int
		if !yield(compat.Into(c, &v)) {
			return 0, nil
		}
		var l label
		if !yield(compat.Into(future.Coroutine[label](func(context.Context) (label, error) {
			return label{"seq"}, nil
		}), &l)) || l.text != "seq" {
			return 0, errors.New("wrong label")
		}
		return v + 1000, nil
	})
}

func TestFromSeqNestsWithNativeAndGeneratorCoroutines(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		// seq over native over generator over native over the pending
		// bottom: 1 + 10 + 100 + 10 + 1000.
		v, err := loop.RunUntilComplete(context.Background(), l,
			seqOver(nativeOver(genOver(nativeOver(bottomGen(false))))))
		require.NoError(t, err)
		assert.Equal(t, 1121, v)

		// And the other way round: a generator yielding from a FromSeq one.
		v, err = loop.RunUntilComplete(context.Background(), l, genOver(seqOver(bottomGen(false))))
		require.NoError(t, err)
		assert.Equal(t, 1101, v) // 1 + 1000 + 100
	})
}

func TestFromSeqFailures(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		t.Run("a failed step ends the generator with its error", func(t *testing.T) {
			boom := errors.New("boom")
			var sawFalse, yieldedAgain bool
			_, err := loop.RunUntilComplete(context.Background(), l, compat.FromSeq(func(yield func(compat.Step) bool) (int, error) {
				var v int
				if !yield(compat.Into(future.Coroutine[int](func(context.Context) (int, error) { return 0, boom }), &v)) {
					sawFalse = true
					yieldedAgain = yield(compat.Into(future.Coroutine[int](func(context.Context) (int, error) { return 1, nil }), &v))
					return 7, nil // ignored: the step's error wins
				}
				return v, nil
			}))
			require.ErrorIs(t, err, boom)
			assert.True(t, sawFalse)
			assert.False(t, yieldedAgain, "yield keeps returning false")
		})
		t.Run("a panic at the bottom surfaces with its stack", func(t *testing.T) {
			_, err := loop.RunUntilComplete(context.Background(), l, seqOver(bottomGen(true)))
			var pe *future.PanicError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "bottom exploded", pe.Value)
			assert.NotEmpty(t, pe.Stack)
		})
		t.Run("a panic in the generator itself becomes an error", func(t *testing.T) {
			_, err := loop.RunUntilComplete(context.Background(), l, compat.FromSeq(func(yield func(compat.Step) bool) (int, error) {
				panic("generator exploded")
			}))
			var pe *future.PanicError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "generator exploded", pe.Value)
		})
		t.Run("cancellation reaches the step being awaited", func(t *testing.T) {
			cause := errors.New("stop")
			gate := future.NewPromise[int]()
			// The generator must have started before the cancellation: on
			// the pool the new task's first step may come after this
			// task's Sleep(0), and a task cancelled before it starts never
			// runs its body, as in asyncio.
			started := future.NewPromise[struct{}]()
			_, err := loop.RunUntilComplete(context.Background(), l, future.Coroutine[int](func(ctx context.Context) (int, error) {
				var cleaned bool
				f := loop.CreateTask(l, compat.FromSeq(func(yield func(compat.Step) bool) (int, error) {
					var v int
					_ = started.Resolve(struct{}{})
					ok := yield(compat.Into(gate.Future(), &v))
					cleaned = !ok
					return v, nil
				}))
				if _, err := future.Await(ctx, started.Future()); err != nil {
					return 0, err
				}
				for !f.IsDone() {
					if err := loop.Sleep(ctx, 0); err != nil {
						return 0, err
					}
					f.Cancel(cause) // again until it takes: harmless
				}
				_, err := f.Result()
				if !cleaned {
					return 0, errors.New("the generator did not see the failed yield")
				}
				return 0, err
			}))
			require.ErrorIs(t, err, future.ErrCancelled)
			require.ErrorIs(t, err, cause)
		})
		t.Run("a zero Step and nil arguments are typed errors", func(t *testing.T) {
			_, err := loop.RunUntilComplete(context.Background(), l, compat.FromSeq(func(yield func(compat.Step) bool) (int, error) {
				yield(compat.Step{})
				return 0, nil
			}))
			require.ErrorIs(t, err, future.ErrNil)
			_, err = loop.RunUntilComplete(context.Background(), l, compat.FromSeq(func(yield func(compat.Step) bool) (int, error) {
				yield(compat.Into[int](nil, nil))
				return 0, nil
			}))
			require.ErrorIs(t, err, future.ErrNil)
			assert.Panics(t, func() { _ = compat.FromSeq[int](nil) })
		})
	})
}
