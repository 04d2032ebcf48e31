package loop

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRegistryKeepsLiveTasksAndShedsFinishedOnes adds waves of tasks to a
// loop's registry and finishes all but one of each wave from other
// goroutines, as pool workers do. Close's snapshot must hold exactly the
// tasks still live, the chunks that emptied must be unlinked (the list may
// not grow with every task ever added), and the stop flag must be set when
// the last live task finishes, not before.
func TestRegistryKeepsLiveTasksAndShedsFinishedOnes(t *testing.T) {
	l := NewPool() // starts no goroutine until it runs
	const waves, perWave = 50, 10 * regChunkLen

	var keep []*task // one task a wave stays live
	for w := range waves {
		batch := make([]*task, perWave)
		for i := range batch {
			tk := new(task)
			require.True(t, l.addTask(tk))
			batch[i] = tk
		}
		var wg sync.WaitGroup
		for i, tk := range batch {
			if i == w*7%perWave {
				keep = append(keep, tk)
				continue
			}
			wg.Go(func() {
				tk.state.Store(tsDone)
				l.removeTask(tk)
			})
		}
		wg.Wait()
	}

	// Each kept task pins its chunk; the other chunks emptied and must
	// have been unlinked, except those emptied since the last sweep (the
	// list at most doubles between sweeps). Adding every task took
	// waves*perWave/regChunkLen = 500 chunks.
	live := len(keep)
	assert.LessOrEqual(t, l.reg.chunks, 2*(live+perWave/regChunkLen)+4,
		"the registry kept the chunks of finished tasks")

	// Mark the loop closing as Close does, then take its snapshot.
	l.state.Store(stateClosing)
	stop := new(atomic.Bool)
	snap := l.closing(stop)
	set := func(ts []*task) map[*task]bool {
		m := make(map[*task]bool, len(ts))
		for _, tk := range ts {
			m[tk] = true
		}
		return m
	}
	require.Len(t, snap, live)
	require.Equal(t, set(keep), set(snap), "Close's snapshot is not the live tasks")
	assert.False(t, l.addTask(new(task)), "a task was added to a closing loop")

	for i, tk := range keep {
		require.False(t, stop.Load(), "stop set with %d tasks live", live-i)
		tk.state.Store(tsDone)
		l.removeTask(tk)
	}
	assert.True(t, stop.Load(), "stop not set after the last task finished")
}

// TestRegistryStopsAtOnceWhenNothingIsLive checks Close's snapshot of a
// loop whose every task has finished: the stop flag is set at once.
func TestRegistryStopsAtOnceWhenNothingIsLive(t *testing.T) {
	l := NewPool() // starts no goroutine until it runs
	tk := new(task)
	require.True(t, l.addTask(tk))
	tk.state.Store(tsDone)
	l.removeTask(tk)
	l.state.Store(stateClosing)
	stop := new(atomic.Bool)
	assert.Empty(t, l.closing(stop))
	assert.True(t, stop.Load())
}
