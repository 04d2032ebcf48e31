package queue

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestMPSCKeepsEachPostersOrder has several goroutines post into one queue
// while its consumer takes entries, across many segments (so that they are
// appended, handed back and reused). Every entry must come out once, each
// poster's in the order it posted them, with positions rising in the order
// taken.
func TestMPSCKeepsEachPostersOrder(t *testing.T) {
	const posters, each = 4, 5 * segmentLen
	type post struct{ poster, i int }
	var q MPSC[post]
	q.Init()
	var wg sync.WaitGroup
	for p := range posters {
		wg.Go(func() {
			for i := range each {
				q.Push(post{p, i})
			}
		})
	}
	next := make([]int, posters)
	var want uint64
	for taken := 0; taken < posters*each; {
		e, pos, ok := q.Pop()
		if !ok {
			runtime.Gosched()
			continue
		}
		require.Equal(t, want, pos, "positions come out in order")
		want++
		require.Equal(t, next[e.poster], e.i, "poster %d's entries in order", e.poster)
		next[e.poster]++
		taken++
	}
	wg.Wait()
	_, _, ok := q.Pop()
	assert.False(t, ok, "the queue is empty")
	q.mu.Lock()
	defer q.mu.Unlock()
	assert.NotZero(t, q.free.Kept(), "segments were handed back for reuse")
	assert.LessOrEqual(t, q.free.Kept(), maxFreeSegments)
}

// TestMPSCReusesSegmentsBeyondTheFreeList queues backlogs of many more
// segments than the free list keeps, so that most segments handed back go
// to the queue's pool and come back from it holding stale stamps of lower
// positions. No stale slot may pass for a written one: each round must
// take exactly its entries, in order, and find the queue empty after.
func TestMPSCReusesSegmentsBeyondTheFreeList(t *testing.T) {
	const backlog = 4 * maxFreeSegments * segmentLen
	var q MPSC[int]
	q.Init()
	for round := range 3 {
		for i := range backlog {
			q.Push(i)
		}
		// A gap: the next position is reserved but not written yet.
		gap := q.Reserve()
		for i := range backlog {
			e, pos, ok := q.Pop()
			require.True(t, ok, "round %d: entry %d missing", round, i)
			require.Equal(t, uint64(round)*(backlog+1)+uint64(i), pos)
			require.Equal(t, i, e)
		}
		_, _, ok := q.Pop()
		require.False(t, ok, "round %d: an unwritten slot was taken", round)
		assert.True(t, q.Reserved(), "the gap counts as reserved")
		assert.False(t, q.Ready(), "the gap is not ready")
		q.Publish(gap, -1)
		require.True(t, q.Ready())
		e, pos, ok := q.Pop()
		require.True(t, ok)
		require.Equal(t, gap, pos)
		require.Equal(t, -1, e)
		assert.False(t, q.Reserved())
	}
}

func TestFIFOKeepsOrderAcrossChunks(t *testing.T) {
	var f FIFO[int]
	for round := range 3 {
		n := (round + 1) * (chunkLen*2 + 7)
		for i := range n {
			f.Push(i)
		}
		require.Equal(t, n, f.Len())
		for i := range n {
			require.Equal(t, i, *f.Front())
			require.Equal(t, i, f.Pop())
		}
		require.Zero(t, f.Len())
	}
	assert.LessOrEqual(t, f.spare.Kept(), maxSpare)
}
