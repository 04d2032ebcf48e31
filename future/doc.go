// Package future provides typed futures and coroutines: the value half of
// Python's asyncio, done with Go generics.
//
// A Future[T] is a result that arrives later, completed once with a value,
// an error or cancellation. It is what a buffered channel of capacity one is
// to a single send, plus the things a channel lacks: many readers, a
// non-blocking read that never consumes (Result), a typed error, a
// cancellation with a cause, and callbacks. Its Done channel sits in a
// select beside a context.Context's.
//
// A Coroutine[T] is a function body that runs only when awaited or handed to
// a loop (package loop). Inside a loop's task, Await suspends the task
// instead of blocking a thread, which is how one OS thread serves thousands
// of coroutines; in plain goroutine code, Await blocks like a receive that
// honours a context. The body's context is a real context.Context, so the
// same coroutine code calls ordinary Go APIs.
//
// Then composes futures the way errgroup composes goroutines: errors and
// cancellation flow through. Panics in user code never escape as panics:
// they become a *PanicError that keeps the panic value and its stack.
//
// The seam between this package and an event loop is small and public:
// Executor (run callbacks) and Suspender (park a coroutine). Package loop
// implements both.
package future
