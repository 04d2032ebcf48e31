package task

import "sync/atomic"

// The states of a task. A task moves scheduled -> running -> done. Await
// moves it running -> parking (claimed by Suspend: nobody else can park
// it) -> suspended (waiting for a wakeup) -> scheduled (woken) -> running.
// The engine keeps a parked task in parking while it arranges the wakeups
// and only then lets it be suspended, so that no wake can queue the task
// before the engine is done with it. The slow path of Sleep(ctx, 0) moves
// it running -> yielding -> running, so that another task cannot park or
// yield it meanwhile (the fast path stays running: see Yield). A new task
// is scheduled from the start: the zero state, which costs no store.
const (
	scheduled int32 = iota
	running
	parking
	suspended
	done
	yielding
)

// state is a task's state, changed only through the transitions below.
type state struct{ v atomic.Int32 }

// isDone reports whether the task has finished.
func (s *state) isDone() bool { return s.v.Load() == done }

// isRunning reports whether the body is running (and not claimed by a
// Suspend or a yield).
func (s *state) isRunning() bool { return s.v.Load() == running }

// toRunning is the engine's transition before it resumes the body: from
// scheduled, yielding (a task requeued after a yield) or parking (one
// whose park found its future done before it was suspended).
func (s *state) toRunning() {
	if s.v.Load() != running {
		s.v.Store(running)
	}
}

// claimPark is Suspend's claim: running -> parking. Of two goroutines that
// call Suspend with the same task's context, at most one gets it.
func (s *state) claimPark() bool { return s.v.CompareAndSwap(running, parking) }

// reclaimPark is the body's transition back to parking when it resumes
// inside Suspend, to look again at what it waits for.
func (s *state) reclaimPark() { s.v.Store(parking) }

// unpark is Suspend's return: parking -> running.
func (s *state) unpark() { s.v.Store(running) }

// toSuspended is the engine's transition once a parked task's wakeups are
// arranged: parking -> suspended. A wake may claim it from then on.
func (s *state) toSuspended() { s.v.Store(suspended) }

// claimWake is a wake's claim: suspended -> scheduled. Of any number of
// wakes, one queues the task and the rest do nothing.
func (s *state) claimWake() bool { return s.v.CompareAndSwap(suspended, scheduled) }

// claimYield is the slow Sleep(ctx, 0)'s claim: running -> yielding.
func (s *state) claimYield() bool { return s.v.CompareAndSwap(running, yielding) }

// unyield ends a slow yield: yielding -> running.
func (s *state) unyield() { s.v.Store(running) }

// finish is the last transition: any state -> done.
func (s *state) finish() { s.v.Store(done) }
