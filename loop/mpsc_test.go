package loop

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMPSCKeepsEachPostersOrder has several goroutines post into one queue
// while its consumer takes entries, across many segments (so that they are
// appended, handed back and reused). Every entry must come out once, each
// poster's in the order it posted them, with ids rising in the order taken.
func TestMPSCKeepsEachPostersOrder(t *testing.T) {
	const posters, each = 4, 5 * segmentLen
	var q mpsc
	q.init()
	got := make([][]int, posters)
	var wg sync.WaitGroup
	for p := range posters {
		wg.Go(func() {
			for i := range each {
				q.push(entry{fn: func() { got[p] = append(got[p], i) }})
			}
		})
	}
	var lastID uint64
	for taken := 0; taken < posters*each; {
		e, ok := q.pop()
		if !ok {
			runtime.Gosched()
			continue
		}
		require.Greater(t, e.id, lastID)
		lastID = e.id
		e.fn()
		taken++
	}
	wg.Wait()
	_, ok := q.pop()
	assert.False(t, ok, "the queue is empty")
	for p, seq := range got {
		require.Len(t, seq, each, "poster %d", p)
		for i, v := range seq {
			if v != i {
				t.Fatalf("poster %d: entry %d came out as %d", p, i, v)
			}
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	assert.NotEmpty(t, q.free, "segments were handed back for reuse")
	assert.LessOrEqual(t, len(q.free), maxFreeSegments)
}
