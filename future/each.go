package future

// OnEach calls fn(i) once for each future fs[i] as it completes, as long
// as stop (which may be nil) is pending: the fan-in under All, AllSettled,
// Any and Race, and under the loop's Gather, Wait and AsCompleted.
//
// First, in argument order, it calls fn for the futures already complete;
// only then does it register a callback (see OnDone) on each of the
// others, which calls fn on the goroutine that completes that future. So
// the futures complete when OnEach begins come first, in argument order.
// It stops registering once stop is complete, and a callback that runs
// after that does nothing. Nil entries are skipped; a future listed twice
// is called for twice.
//
// fn runs inside the completion of the future, so it must be quick and
// must not block, as OnDone's callbacks. A Future cannot drop a callback:
// one registered on a future that never completes stays with it.
func OnEach[T any](fs []*Future[T], stop Waitable, fn func(i int)) {
	stopped := func() bool { return stop != nil && stop.IsDone() }
	var small [64]bool // called[i]: fn(i) ran in the first pass
	called := small[:]
	if len(fs) > len(small) {
		called = make([]bool, len(fs))
	}
	pending := false
	for i, f := range fs {
		switch {
		case stopped():
			return
		case f == nil:
			called[i] = true
		case f.IsDone():
			called[i] = true
			fn(i)
		default:
			pending = true
		}
	}
	if !pending {
		return
	}
	for i, f := range fs {
		if called[i] {
			continue
		}
		if stopped() {
			return
		}
		if !f.OnDone(func() {
			if !stopped() {
				fn(i)
			}
		}) {
			fn(i) // completed since the first pass looked
		}
	}
}
