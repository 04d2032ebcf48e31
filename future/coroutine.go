package future

import "context"

// Coroutine is a typed unit of asynchronous work: a function body that runs
// only when it is awaited or handed to a loop, as calling an async def
// function in Python only makes a coroutine object. Making one costs nothing
// beyond the function value.
//
// The body receives a context.Context. Under a loop it is the task's own
// context: Await with it suspends the task instead of blocking a thread, it
// is cancelled when the task is, and it can be passed to any ordinary Go API
// that takes a context. Awaited from plain goroutine code, the body runs
// inline on the caller's goroutine with the caller's context.
//
// A Coroutine is a value like a func: awaiting the same one twice runs the
// body twice, and one that is made and dropped never runs. The command
// future/cmd/neverawaited reports statements that drop one, as Python warns
// of a coroutine that was never awaited. Declare coroutine functions the way the asyncio programs
// declare async def functions:
//
//	func phase1() future.Coroutine[string] {
//		return func(ctx context.Context) (string, error) {
//			return "result1", nil
//		}
//	}
type Coroutine[T any] func(ctx context.Context) (T, error)

// await runs the body inline, on the caller's goroutine and in the caller's
// task: no new task, no trip through a scheduler. A panic in the body
// becomes a *PanicError.
func (c Coroutine[T]) await(ctx context.Context) (v T, err error) {
	if c == nil {
		return v, nilArg("Await", "coroutine")
	}
	normal := false
	defer func() {
		if !normal {
			if r := recover(); r != nil {
				var zero T
				v, err = zero, NewPanicError(r)
			}
		}
	}()
	v, err = c(ctx)
	normal = true
	return v, err
}
