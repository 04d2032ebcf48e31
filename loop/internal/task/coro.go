package task

import (
	"context"
	"iter"

	"github.com/goasyncio/asyncio/future"
)

// Coro is a runtime coroutine (iter.Pull) that runs task bodies, one after
// another: the engine resumes it with Step, and the body gives the engine
// back its goroutine by yielding, when it parks, yields or ends. Making one
// costs about seven allocations and a goroutine, more than the rest of a
// task together, so a task whose body has returned hands its coroutine on
// to the next new task (see Coros).
//
// A coroutine may be resumed by any goroutine, one at a time, except that
// one made on a goroutine locked to its thread must be resumed from that
// thread (the runtime checks): the single-thread engine makes and resumes
// all of its coroutines on its locked thread, the pool's workers are not
// locked.
//
// It also carries the fields of a park, which only a task that has a
// coroutine needs: they stay out of every task's allocation.
type Coro struct {
	resume func() (struct{}, bool)
	stop   func()
	yield  func(struct{}) bool // parks the coroutine; the body's side of resume
	t      *Task               // the task whose body runs on it; nil once that body returns
	// cs is the cache of the engine goroutine resuming it now, which waits
	// in lockstep while the body runs: an eager start from the body takes
	// its new task's coroutine from there (see StepEager).
	cs *Coros

	// yielding is set while the body is suspended in a Yield.
	yielding bool

	// What the parked body waits for, and the undo of the
	// context.AfterFunc that the engine arranged for parkCtx.
	parkOn    future.Waitable
	parkCtx   context.Context
	stopAfter func() bool
}

// newCoro makes a coroutine, parked until its first task.
func newCoro() *Coro {
	c := new(Coro)
	c.resume, c.stop = iter.Pull(c.run)
	return c
}

// run is the coroutine's body: it runs the body of each task it is given,
// and parks between them until the engine gives it the next one or stops
// it. A task's body parks it as well, through c.yield, while it waits.
func (c *Coro) run(yield func(struct{}) bool) {
	c.yield = yield
	for {
		t := c.t
		markBody() // again for each task, in case a body cleared it
		t.start()
		c.t = nil
		if !yield(struct{}{}) {
			return
		}
	}
}

// park suspends the body until the engine resumes it: the engine arranges
// the wakeups (see Step) and a wake queues the next step.
func (c *Coro) park(ctx context.Context, w future.Waitable) {
	c.parkOn, c.parkCtx = w, ctx
	c.yield(struct{}{})
	c.parkOn, c.parkCtx = nil, nil
	if c.stopAfter != nil {
		c.stopAfter()
		c.stopAfter = nil
	}
}

// goexit hands the engine back its goroutine when a body calls
// runtime.Goexit. Resuming the coroutine now would propagate the Goexit to
// the goroutine resuming it (iter.Pull does that) and end it, which for
// the single-thread engine ends the loop's thread; so the coroutine stays
// parked until the engine reclaims it (see Coros.Exited). The task's
// future reports future.ErrGoexit.
func (c *Coro) goexit() { c.yield(struct{}{}) }

// Reclaim resumes a coroutine parked by a Goexit, letting the Goexit
// finish: iter.Pull then propagates it to the caller, whose goroutine ends.
// Call it only from a goroutine that is ending anyway.
func (c *Coro) Reclaim() { c.resume() }

// maxFreeCoros bounds the coroutines an engine keeps for reuse. Each one is
// a parked goroutine with its stack; beyond what a burst of short tasks
// needs, keeping more only holds memory.
const maxFreeCoros = 256

// Coros is an engine's (or a pool worker's) cache of coroutines: those
// free for the next new task, and those parked for good by a Goexit. The
// zero value is empty. It is not safe for concurrent use: its owner
// goroutine steps tasks with it.
type Coros struct {
	free     []*Coro
	goexited []*Coro
}

// get returns a free coroutine, or a new one.
func (cs *Coros) get() *Coro {
	if n := len(cs.free); n > 0 {
		c := cs.free[n-1]
		cs.free[n-1] = nil
		cs.free = cs.free[:n-1]
		return c
	}
	return newCoro()
}

// put keeps c for the next task, or ends it if enough are kept.
func (cs *Coros) put(c *Coro) {
	if len(cs.free) < maxFreeCoros {
		cs.free = append(cs.free, c)
		return
	}
	c.stop()
}

// StopFree ends the free coroutines.
func (cs *Coros) StopFree() {
	for _, c := range cs.free {
		c.stop()
	}
	cs.free = nil
}

// Exited returns, and forgets, the coroutines parked by a Goexit, for the
// engine to Reclaim.
func (cs *Coros) Exited() []*Coro {
	e := cs.goexited
	cs.goexited = nil
	return e
}

// Stepped says how a step of a task ended.
type Stepped int

const (
	// Waiting: the body parked, and its wakeups are arranged; a wake
	// queues its next step. (Also a task that was done already.)
	Waiting Stepped = iota
	// Requeue: the body yielded, or parked on what was already done: the
	// engine queues its next step behind what is ready.
	Requeue
)

// Step resumes t's body on its coroutine (giving it one from cs on its
// first step) until the body parks, yields or ends, and then arranges what
// comes next: it frees the coroutine of a body that ended, and registers
// the wakeups of one that parked. It reports whether the engine must
// queue t again.
//
// Engines call it straight from their dispatch loop: every call active
// across the coroutine switch costs a mispredicted return, so it is kept
// one call deep.
func (t *Task) Step(cs *Coros) Stepped {
	if t.state.isDone() {
		return Waiting
	}
	c := t.co
	if c == nil {
		c = cs.get()
		c.t, t.co = t, c
	}
	t.state.toRunning()
	c.cs = cs
	// Only a yield during this resume counts. (A Sleep with this task's
	// context from another task sets the mark and then fails.)
	c.yielding = false
	c.resume()
	if c.t == nil {
		// The body has returned and the coroutine is free again.
		t.co = nil
		cs.put(c)
		return Waiting
	}
	if c.yielding {
		// Sleep(0): straight back to the ready queue. The state stays
		// yielding, so a wake cannot queue the task a second time. (The
		// mark is cleared before the next resume.)
		return Requeue
	}
	if t.state.isDone() {
		// The body called runtime.Goexit and its coroutine is parked
		// until the engine reclaims it (see Coro.goexit).
		cs.goexited = append(cs.goexited, c)
		t.co = nil
		return Waiting
	}
	return t.arrange(c)
}

// StepEager runs the first step of a new task t, scheduled and not yet
// queued, from the body of caller, which must be running on the calling
// goroutine (asyncio's eager_start: the new body runs until its first
// suspension before the caller goes on). It reports false, doing
// nothing, where that cannot be: the caller is not a body running here.
// Otherwise the result says, as Step's does, whether the engine must
// queue t's next step.
func (t *Task) StepEager(caller *Task) (s Stepped, ok bool) {
	if caller == nil || caller.host != t.host || !caller.state.isRunning() || !onBody() {
		return Waiting, false
	}
	return t.Step(caller.co.cs), true
}

// StepEagerOn is StepEager for a caller not known as a task: one the
// engine vouches for as running in lockstep with the goroutine that owns
// cs (see engine.EagerCoros). It reports false, doing nothing, if cs is
// nil.
func (t *Task) StepEagerOn(cs *Coros) (s Stepped, ok bool) {
	if cs == nil {
		return Waiting, false
	}
	return t.Step(cs), true
}

// arrange registers the wakeups of a task whose body has just parked on
// c.parkOn, under c.parkCtx: a callback on the future, one on the context
// if it is not the task's own, and then lets wakes claim the task. Until
// then the task stays parking, so that no wake can queue it (and another
// pool worker resume it) while this is being written; a wake that comes
// meanwhile is not lost, since the checks after the store see its cause.
func (t *Task) arrange(c *Coro) Stepped {
	w, ctx := c.parkOn, c.parkCtx
	if !w.OnDone(t.wakeFn) {
		return Requeue // done already
	}
	if ctx != context.Context(t) && ctx.Done() != nil {
		c.stopAfter = context.AfterFunc(ctx, t.wakeFn)
	}
	t.state.toSuspended()
	if w.IsDone() || t.cancelPending.Load() || (ctx != context.Context(t) && ctx.Err() != nil) {
		t.Wake()
	}
	return Waiting
}
