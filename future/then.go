package future

// Then returns a future completed with fn's results once f completes with a
// value. If f completes with an error or is cancelled, fn is not called and
// the returned future gets the same error (cancellation stays cancellation).
// A panic in fn completes the returned future with a *PanicError.
//
// The returned future belongs to f's executor, if any, and fn runs there;
// otherwise fn runs on the goroutine that completes f (or the caller's, if f
// is already complete). Cancelling the returned future does not cancel f.
// A nil f or fn gives a future failed with ErrNil.
func Then[T, U any](f *Future[T], fn func(T) (U, error)) *Future[U] {
	if f == nil || fn == nil {
		return rejected[U](nilArg("Then", "future or function"))
	}
	p := NewPromiseOn[U](f.owner)
	// Returned errors are the inline callback's panics, which the callback
	// itself already turns into p's result.
	_ = f.AddDoneCallback(func(f *Future[T]) {
		v, err := f.Result()
		if err != nil {
			_ = p.Reject(err)
			return
		}
		var u U
		if perr := catch(func() { u, err = fn(v) }); perr != nil {
			_ = p.Reject(perr)
			return
		}
		_ = p.Complete(u, err)
	})
	return p.Future()
}
