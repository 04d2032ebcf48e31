package compat_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/goasyncio/asyncio/compat"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// emitter is a toy multi-shot callback API: listeners added with On get
// every Emit.
type emitter struct {
	mu        sync.Mutex // protects listeners
	listeners map[int]func(int)
	next      int
}

func (e *emitter) On(cb func(int)) (off func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.listeners == nil {
		e.listeners = map[int]func(int){}
	}
	id := e.next
	e.next++
	e.listeners[id] = cb
	return func() {
		e.mu.Lock()
		delete(e.listeners, id)
		e.mu.Unlock()
	}
}

func (e *emitter) Emit(v int) {
	e.mu.Lock()
	cbs := make([]func(int), 0, len(e.listeners))
	for _, cb := range e.listeners {
		cbs = append(cbs, cb)
	}
	e.mu.Unlock()
	for _, cb := range cbs {
		cb(v)
	}
}

func (e *emitter) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.listeners)
}

func TestListen(t *testing.T) {
	t.Run("events from another goroutine arrive in order and break unsubscribes", func(t *testing.T) {
		places(t, func(t *testing.T, ctx context.Context) {
			var e emitter
			subscribed := make(chan struct{})
			var wg sync.WaitGroup
			defer wg.Wait()
			wg.Go(func() {
				<-subscribed
				for i := range 3 {
					e.Emit(i)
				}
			})
			var got []int
			for v, err := range compat.Listen(ctx, 3, func(cb func(int)) func() {
				off := e.On(cb)
				close(subscribed)
				return off
			}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, v)
				if len(got) == 3 {
					break
				}
			}
			if len(got) != 3 || got[0] != 0 || got[1] != 1 || got[2] != 2 {
				t.Errorf("got %v", got)
			}
			if n := e.count(); n != 0 {
				t.Errorf("%d listeners left", n)
			}
		})
	})
	t.Run("a full buffer drops new events and reports how many", func(t *testing.T) {
		places(t, func(t *testing.T, ctx context.Context) {
			var e emitter
			var got []int
			var overflow *compat.OverflowError
			for v, err := range compat.Listen(ctx, 2, func(cb func(int)) func() {
				off := e.On(cb)
				for i := range 5 {
					cb(i) // five events before the consumer looks: three are dropped
				}
				return off
			}) {
				if errors.As(err, &overflow) {
					e.Emit(9)
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, v)
				if v == 9 {
					break
				}
			}
			if overflow == nil || overflow.Dropped != 3 || !errors.Is(overflow, compat.ErrOverflow) {
				t.Errorf("overflow %v", overflow)
			}
			if len(got) != 3 || got[0] != 0 || got[1] != 1 || got[2] != 9 {
				t.Errorf("got %v", got)
			}
		})
	})
	t.Run("ctx ending yields one error, stops and unsubscribes", func(t *testing.T) {
		places(t, func(t *testing.T, ctx context.Context) {
			var e emitter
			lctx, cancel := context.WithCancelCause(ctx)
			stop := errors.New("enough")
			var errs []error
			for _, err := range compat.Listen(lctx, 1, func(cb func(int)) func() {
				off := e.On(cb)
				go cancel(stop) // nobody ever emits; only ctx can end this
				return off
			}) {
				errs = append(errs, err)
			}
			if len(errs) != 1 || !errors.Is(errs[0], stop) {
				t.Errorf("got %v", errs)
			}
			if n := e.count(); n != 0 {
				t.Errorf("%d listeners left", n)
			}
		})
	})
	t.Run("a panic in subscribe is yielded as a PanicError", func(t *testing.T) {
		for _, err := range compat.Listen(context.Background(), 1, func(func(int)) func() { panic("no subscribe") }) {
			var pe *future.PanicError
			if !errors.As(err, &pe) || pe.Value != "no subscribe" {
				t.Errorf("got %v", err)
			}
		}
	})
	t.Run("a panic in unsubscribe goes to the misuse handler", func(t *testing.T) {
		var r recorder
		for range compat.Listen(context.Background(), 1, func(cb func(int)) func() {
			cb(1)
			return func() { panic("no unsubscribe") }
		}, compat.WithMisuseHandler(r.handle)) {
			break
		}
		var pe *future.PanicError
		if errs := r.got(); len(errs) != 1 || !errors.As(errs[0], &pe) {
			t.Errorf("got %v", errs)
		}
	})
	t.Run("bad arguments panic at construction", func(t *testing.T) {
		defer func() {
			if r := recover(); r == nil {
				t.Error("no panic")
			}
		}()
		compat.Listen[int](context.Background(), 0, func(func(int)) func() { return nil })
	})
}

func TestListenOnTheLoop(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		t.Run("events posted by loop callbacks reach a suspended consumer", func(t *testing.T) {
			got, err := loop.RunUntilComplete(context.Background(), l, future.Coroutine[[]int](func(ctx context.Context) ([]int, error) {
				var out []int
				// All three callbacks run in one loop turn, after the consumer
				// has parked and before it resumes: the buffer must hold them.
				for v, err := range compat.Listen(ctx, 3, func(cb func(int)) func() {
					for i := range 3 {
						if _, err := l.CallSoon(func() { cb(i) }); err != nil {
							t.Error(err)
						}
					}
					return nil
				}) {
					if err != nil {
						return out, err
					}
					out = append(out, v)
					if len(out) == 3 {
						break
					}
				}
				return out, nil
			}))
			// The pool runs callbacks in parallel, so only the set is fixed.
			slices.Sort(got)
			if err != nil || len(got) != 3 || got[0] != 0 || got[1] != 1 || got[2] != 2 {
				t.Errorf("got %v, %v", got, err)
			}
		})
		t.Run("cancelling the consumer task ends the iteration with a cancellation", func(t *testing.T) {
			var e emitter
			subscribed := future.NewPromise[struct{}]()
			_, err := loop.RunUntilComplete(context.Background(), l, future.Coroutine[struct{}](func(ctx context.Context) (struct{}, error) {
				consumer := loop.CreateTask(l, func(ctx context.Context) (error, error) {
					var last error
					for _, err := range compat.Listen(ctx, 1, func(cb func(int)) func() {
						_ = subscribed.Resolve(struct{}{})
						return e.On(cb)
					}) {
						last = err
					}
					return last, nil
				})
				if _, err := future.Await(ctx, subscribed.Future()); err != nil {
					return struct{}{}, err
				}
				consumer.Cancel(nil)
				last, err := future.Await(ctx, consumer)
				if errors.Is(err, future.ErrCancelled) {
					// On a parallel pool the cancel can land while the
					// consumer runs: Listen sees it through ctx.Err, the
					// consumer returns without another suspension, and, as
					// in asyncio (test_cancel_at_end), the task ends
					// cancelled with the cancellation never delivered.
					return struct{}{}, nil
				}
				if err != nil {
					return struct{}{}, err
				}
				if !errors.Is(last, future.ErrCancelled) {
					t.Errorf("last error %v", last)
				}
				return struct{}{}, nil
			}))
			if err != nil {
				t.Fatal(err)
			}
			if n := e.count(); n != 0 {
				t.Errorf("%d listeners left", n)
			}
		})
	})
}
