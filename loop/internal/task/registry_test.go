package task

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// finished finishes t as far as the registry is concerned, as finish does.
func finished(h *Host, t *Task) {
	t.state.finish()
	h.remove(t)
}

// TestRegistryKeepsLiveTasksAndShedsFinishedOnes adds waves of tasks to a
// host's registry and finishes all but one of each wave from other
// goroutines, as pool workers do. Close's snapshot must hold exactly the
// tasks still live, the chunks that emptied must be unlinked (the list may
// not grow with every task ever added), and the stop flag must be set, and
// unpark called, when the last live task finishes, not before.
func TestRegistryKeepsLiveTasksAndShedsFinishedOnes(t *testing.T) {
	var h Host
	const waves, perWave = 50, 10 * regChunkLen

	var keep []*Task // one task a wave stays live
	for w := range waves {
		batch := make([]*Task, perWave)
		for i := range batch {
			tk := new(Task)
			require.True(t, h.Add(tk))
			batch[i] = tk
		}
		var wg sync.WaitGroup
		for i, tk := range batch {
			if i == w*7%perWave {
				keep = append(keep, tk)
				continue
			}
			wg.Go(func() { finished(&h, tk) })
		}
		wg.Wait()
	}

	// Each kept task pins its chunk; the other chunks emptied and must
	// have been unlinked, except those emptied since the last sweep (the
	// list at most doubles between sweeps). Adding every task took
	// waves*perWave/regChunkLen = 500 chunks.
	live := len(keep)
	assert.LessOrEqual(t, h.reg.chunks, 2*(live+perWave/regChunkLen)+4,
		"the registry kept the chunks of finished tasks")

	stop := new(atomic.Bool)
	unparked := 0
	snap := h.Close(stop, func() { unparked++ })
	set := func(ts []*Task) map[*Task]bool {
		m := make(map[*Task]bool, len(ts))
		for _, tk := range ts {
			m[tk] = true
		}
		return m
	}
	require.Len(t, snap, live)
	require.Equal(t, set(keep), set(snap), "Close's snapshot is not the live tasks")
	assert.True(t, h.Closing())
	assert.False(t, h.Add(new(Task)), "a task was added to a closing host")
	assert.False(t, h.WhileOpen(func() { t.Error("WhileOpen ran on a closing host") }))

	for i, tk := range keep {
		require.False(t, stop.Load(), "stop set with %d tasks live", live-i)
		finished(&h, tk)
	}
	assert.True(t, stop.Load(), "stop not set after the last task finished")
	assert.Equal(t, 1, unparked)
}

// TestRegistryStopsAtOnceWhenNothingIsLive checks Close's snapshot of a
// host whose every task has finished: the stop flag is set at once.
func TestRegistryStopsAtOnceWhenNothingIsLive(t *testing.T) {
	var h Host
	tk := new(Task)
	require.True(t, h.Add(tk))
	finished(&h, tk)
	stop := new(atomic.Bool)
	assert.Empty(t, h.Close(stop, func() {}))
	assert.True(t, stop.Load())
}
