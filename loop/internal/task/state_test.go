package task

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestStateTransitions walks the task's state machine through its named
// transitions, and checks that the claims refuse every state but their
// own: that is what keeps a second Suspend, a second yield or a second
// wake from taking a task that is already someone's.
func TestStateTransitions(t *testing.T) {
	var s state
	assert.False(t, s.claimPark(), "a scheduled task cannot be parked")
	assert.False(t, s.claimWake(), "a scheduled task cannot be woken")
	s.toRunning()
	assert.True(t, s.isRunning())

	assert.True(t, s.claimPark())
	assert.False(t, s.claimPark(), "a park claims the task once")
	assert.False(t, s.claimYield(), "a parking task cannot yield")
	assert.False(t, s.claimWake(), "a parking task cannot be woken before it is suspended")
	s.toSuspended()
	assert.True(t, s.claimWake())
	assert.False(t, s.claimWake(), "one wake queues the task, the rest do nothing")

	s.toRunning()
	assert.True(t, s.claimYield())
	assert.False(t, s.claimPark(), "a yielding task cannot be parked")
	assert.False(t, s.claimWake(), "a yielding task cannot be woken")
	s.toRunning()
	assert.True(t, s.isRunning())

	s.finish()
	assert.True(t, s.isDone())
	assert.False(t, s.claimPark())
	assert.False(t, s.claimYield())
	assert.False(t, s.claimWake())
}
