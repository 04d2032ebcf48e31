// Package task is the loops' task: a coroutine body run by an engine, with
// its state machine (state.go: every change of state is a named
// transition), its cancellation, the context.Context its body receives,
// and the runtime coroutine (iter.Pull) it runs on, which both engines
// resume and suspend the same way (coro.go). A Host is what the tasks of
// one loop share with it: the engine that wakes them, the exception
// handler, the registry Close reads.
//
// The typed half of a task (its coroutine and future) lives in package
// loop, behind the Body interface; this package never imports loop.
package task
