package loop

import (
	"github.com/goasyncio/asyncio/loop/internal/engine"
)

// NewSingleThread returns a loop whose callbacks and coroutine bodies all run
// on one OS thread, locked with runtime.LockOSThread for the loop's life
// (tokio's current-thread runtime, asyncio's only model). Code on it never
// runs in parallel with itself, so it needs no locks; a coroutine that
// blocks the thread (a long computation, a blocking syscall, time.Sleep)
// stalls the whole loop.
//
// Coroutine bodies must not call runtime.LockOSThread or UnlockOSThread: the
// Go runtime aborts when a coroutine switch finds the thread lock changed.
func NewSingleThread(opts ...Option) *Loop { return newLoop(opts, engine.NewSingle) }

// NewPool returns a loop that runs coroutines and callbacks on a pool of
// worker goroutines (WithWorkers, default GOMAXPROCS), in parallel: tokio's
// multi-thread runtime. Coroutine code written for a single-thread loop runs
// unchanged, but shared state needs the same care as with any goroutines.
//
// Each worker resumes task bodies on runtime coroutines, as the
// single-thread loop does on its thread, so a coroutine suspended in Await
// holds no worker and a suspend and resume costs a coroutine switch. Work
// posted to the loop (new tasks, woken tasks, CallSoonThreadsafe) goes to a
// shared inbox that workers take from in batches; each worker has its own
// ready queue, from which idle workers steal. The workers start on the
// loop's first run and stop at Close.
func NewPool(opts ...Option) *Loop { return newLoop(opts, engine.NewPool) }

// ThreadID returns the OS thread id of a single-thread loop's thread, where
// the OS offers one: gettid on Linux, thread_selfid on macOS, thr_self on
// FreeBSD, _lwp_self on NetBSD, lwp_gettid on DragonFly BSD,
// GetCurrentThreadId on Windows. It returns 0 elsewhere (OpenBSD, Solaris,
// illumos, AIX, Plan 9, js, WASI) and for a pool loop, which has no thread
// of its own.
func (l *Loop) ThreadID() int { return l.eng.ThreadID() }

// Engine is one of the loop's engines, by name, for programs and tests that
// let a flag or a table choose (as database/sql.Drivers lists drivers).
type Engine struct {
	// Name is the engine's name: "single" or "pool".
	Name string
	// New makes a loop on this engine.
	New func(opts ...Option) *Loop
}

// engines is the list Engines returns: a new engine is one entry here.
var engines = []Engine{
	{"single", NewSingleThread},
	{"pool", NewPool},
}

// Engines returns the loop's engines in a fixed order: "single"
// (NewSingleThread), then "pool" (NewPool). The slice is the caller's.
func Engines() []Engine { return append([]Engine(nil), engines...) }
