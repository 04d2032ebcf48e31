package future_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/goasyncio/asyncio/future"
)

func TestOnEach(t *testing.T) {
	t.Run("futures already complete come first, in argument order", func(t *testing.T) {
		ps, fs := promises[int](4)
		require := assert.New(t)
		require.NoError(ps[3].Resolve(3))
		require.NoError(ps[1].Resolve(1))
		var got []int
		future.OnEach(fs, nil, func(i int) { got = append(got, i) })
		require.Equal([]int{1, 3}, got)
		require.NoError(ps[2].Resolve(2))
		require.NoError(ps[0].Resolve(0))
		require.Equal([]int{1, 3, 2, 0}, got)
	})
	t.Run("nothing is called or registered once stop is complete", func(t *testing.T) {
		ps, fs := promises[int](3)
		stop := future.NewPromise[struct{}]()
		var got []int
		future.OnEach(fs, stop.Future(), func(i int) {
			got = append(got, i)
			_ = stop.Resolve(struct{}{}) // the first completion decides
		})
		assert.NoError(t, ps[1].Resolve(1))
		assert.NoError(t, ps[0].Resolve(0))
		assert.Equal(t, []int{1}, got)

		ps, fs = promises[int](2)
		assert.NoError(t, ps[0].Resolve(0))
		future.OnEach(fs, stop.Future(), func(i int) { t.Errorf("called for %d after stop", i) })
		assert.Zero(t, future.PendingCallbacks(fs[1]), "a callback was registered after stop")
	})
	t.Run("nil entries are skipped and duplicates counted twice", func(t *testing.T) {
		ps, fs := promises[int](1)
		n := 0
		future.OnEach([]*future.Future[int]{nil, fs[0], fs[0]}, nil, func(i int) {
			assert.NotZero(t, i)
			n++
		})
		assert.NoError(t, ps[0].Resolve(7))
		assert.Equal(t, 2, n)
	})
	t.Run("more futures than the first pass's stack record", func(t *testing.T) {
		ps, fs := promises[int](200)
		for i := 0; i < len(ps); i += 2 {
			assert.NoError(t, ps[i].Resolve(i))
		}
		seen := make([]int, len(fs))
		future.OnEach(fs, nil, func(i int) { seen[i]++ })
		for i := 1; i < len(ps); i += 2 {
			assert.NoError(t, ps[i].Resolve(i))
		}
		for i, n := range seen {
			assert.Equal(t, 1, n, "future %d", i)
		}
	})
}
