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
	assert.NotEmpty(t, q.free.kept, "segments were handed back for reuse")
	assert.LessOrEqual(t, len(q.free.kept), maxFreeSegments)
}

// TestMPSCReusesSegmentsBeyondTheFreeList queues backlogs of many more
// segments than the free list keeps, so that most segments handed back go
// to the queue's pool and come back from it holding stale stamps of lower
// positions. No stale slot may pass for a written one: each round must
// take exactly its entries, in order, and find the queue empty after.
func TestMPSCReusesSegmentsBeyondTheFreeList(t *testing.T) {
	const backlog = 4 * maxFreeSegments * segmentLen
	var q mpsc
	q.init()
	for round := range 3 {
		for range backlog {
			q.push(entry{t: &task{}})
		}
		// A gap: the next position is reserved but not written yet.
		pos := q.tail.Add(1) - 1
		for i := range backlog {
			e, ok := q.pop()
			require.True(t, ok, "round %d: entry %d missing", round, i)
			require.Equal(t, idOf(uint64(round)*(backlog+1)+uint64(i)), e.id)
		}
		_, ok := q.pop()
		require.False(t, ok, "round %d: an unwritten slot was taken", round)
		// Write the reserved slot, as its poster would, and take it.
		seg := q.segmentFor(pos)
		s := &seg.slots[pos-seg.base.Load()]
		s.fn = func() {}
		storeRelease(&s.stamp, pos+1)
		e, ok := q.pop()
		require.True(t, ok)
		require.Equal(t, idOf(pos), e.id)
	}
}
