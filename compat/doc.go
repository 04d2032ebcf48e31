// Package compat bridges older styles of asynchronous code to this module's
// futures and coroutines, so that a code base can migrate one function at a
// time with old and new styles calling each other.
//
// Generator-style coroutines mirror Python's pre-3.5 @asyncio.coroutine
// and yield from: Generator wraps a body that receives a *Yield, and
// YieldFrom awaits a future, a native coroutine or another generator-style
// coroutine and returns its typed value. The result is an ordinary
// future.Coroutine, so native code awaits it and it awaits native code, on
// either loop engine or from a plain goroutine.
//
// Callback adapters turn callback APIs into futures: FromCallback for the
// func(T, error) shape, FromCallback2 and FromCallback3 for two and three
// results, FromValueCallback and FromErrCallback for one-sided shapes, and
// ToCallback hands a future's result to a callback for callers not yet
// migrated. They play the part a promisify helper plays in JavaScript: a
// one-shot callback becomes a future you can Await, select on (Done) or
// combine (future.All, loop.Gather), and a context bounds how long it may
// stay silent. Listen turns a multi-shot callback (an event listener) into
// an iter.Seq2 with a bounded buffer and automatic unsubscription.
//
// Misuse that a callback signature gives no way to return, such as a
// callback called twice, goes to a handler set with WithMisuseHandler;
// see MIGRATING.md for moving code over from callbacks, goroutines and
// channels, errgroup and conc, and Python's asyncio.
package compat
