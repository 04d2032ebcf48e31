package waiters

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAGrantAndAGivingUpNeverBothTakeEffect(t *testing.T) {
	t.Run("grant first: the waiter learns it on Withdraw", func(t *testing.T) {
		w := New[int]()
		w.Value = 7
		require.True(t, w.Grant())
		assert.True(t, w.Withdraw(), "the grant came first")
		assert.Equal(t, 7, w.Value)
	})
	t.Run("giving up first: the grant is refused", func(t *testing.T) {
		w := New[int]()
		assert.False(t, w.Withdraw())
		assert.False(t, w.Grant())
		assert.True(t, w.GaveUp())
	})
	t.Run("a refusal is what Wait returns", func(t *testing.T) {
		w := New[int]()
		broken := errors.New("broken")
		require.True(t, w.Refuse(broken))
		assert.ErrorIs(t, w.Wait(context.Background()), broken)
		assert.False(t, w.Withdraw(), "a refusal is no grant")
	})
	t.Run("a context that ends leaves the list", func(t *testing.T) {
		var mu sync.Mutex
		var l List[int]
		w := New[int]()
		l.PushBack(w)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		require.ErrorIs(t, w.Wait(ctx), context.Canceled)
		assert.False(t, w.Leave(&mu, &l))
		assert.Zero(t, l.Len())
	})
}

func TestListIsFIFOAndSkipsThoseWhoGaveUp(t *testing.T) {
	var l List[int]
	ws := []*Waiter[int]{New[int](), New[int](), New[int](), New[int]()}
	for _, w := range ws {
		l.PushBack(w)
	}
	ws[0].Withdraw() // gave up, still linked
	ws[2].Withdraw()
	got := l.GrantFirst(func(w *Waiter[int]) { w.Value = 1 })
	assert.Same(t, ws[1], got, "the first waiter that takes a grant")
	assert.True(t, l.DropGivenUp())
	assert.Equal(t, 1, l.Len())
	assert.Equal(t, []*Waiter[int]{ws[3]}, l.PopAll())
	assert.Nil(t, l.GrantFirst(nil))
	assert.False(t, l.Remove(ws[3]), "already off the list")
}
