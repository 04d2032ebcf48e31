package engine

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// bodyFunc is a task body for the engine's tests: fn with the task's
// context, and done closed when it has returned.
type bodyFunc struct {
	fn   func(ctx context.Context)
	done chan struct{}
}

func (b *bodyFunc) Run(ctx context.Context) { defer close(b.done); b.fn(ctx) }
func (b *bodyFunc) Fail(error)              { close(b.done) }
func (b *bodyFunc) Parent() context.Context { return context.Background() }
func (b *bodyFunc) Own() future.Waitable    { return nil }
func (b *bodyFunc) wait(t *testing.T) {
	t.Helper()
	select {
	case <-b.done:
	case <-time.After(10 * time.Second):
		t.Fatal("a task never finished: a wake was lost")
	}
}

// startTask makes a task of e running fn, and queues its first step.
func startTask(e Engine, h *task.Host, fn func(ctx context.Context)) *bodyFunc {
	b := &bodyFunc{fn: fn, done: make(chan struct{})}
	t := new(task.Task)
	t.Init(h, b)
	h.Add(t)
	e.Start(t)
	return b
}

// runInBackground runs e until the returned stop function is called.
func runInBackground(t *testing.T, e Engine) (stop func()) {
	s := new(atomic.Bool)
	ended := make(chan error, 1)
	go func() { ended <- e.Run(s) }()
	return func() {
		e.Submit(func() { e.Stop(s) })
		require.NoError(t, <-ended)
	}
}

// onPools runs body on a pool of one worker and on a pool of two, each
// shut down when body returns.
func onPools(t *testing.T, body func(t *testing.T, e Engine, p *pool)) {
	for _, workers := range []int{1, 2} {
		t.Run(map[int]string{1: "pool", 2: "pool2"}[workers], func(t *testing.T) {
			e := newEngine(t, NewPool, workers)
			defer e.Shutdown()
			body(t, e, e.(*pool))
		})
	}
}

// parkedAll waits until every worker of p is parked.
func parkedAll(p *pool) {
	for p.idle.Load() != int32(p.n) {
		runtime.Gosched()
	}
}

// TestRunWokenRunsTheStepOnTheCaller: a task parked on a promise, every
// worker parked, and the promise resolved under a hold: the task's next
// step has run when RunWoken returns, so it ran on the caller's goroutine
// (no worker was woken for it). A callback queued during a hold goes to a
// worker's own goroutine, and runs.
func TestRunWokenRunsTheStepOnTheCaller(t *testing.T) {
	onPools(t, func(t *testing.T, e Engine, p *pool) {
		h := p.host
		stop := runInBackground(t, e)
		defer stop()

		const rounds = 100
		var steps atomic.Int32
		proms := make([]future.Promise[struct{}], rounds)
		for i := range proms {
			proms[i] = future.NewPromise[struct{}]()
		}
		// The first round must find the task parked on its promise: all
		// workers idle before its first step has run (a worker not yet
		// given it) would let the promise resolve with no one waiting.
		// Once the step has begun, the workers are all idle only after
		// it has ended, in the Suspend.
		started := make(chan struct{})
		b := startTask(e, h, func(ctx context.Context) {
			close(started)
			for i := range proms {
				assert.NoError(t, task.Of(ctx).Suspend(ctx, proms[i].Future()))
				steps.Add(1)
			}
		})
		<-started
		for i := range proms {
			parkedAll(p)
			p.HoldWakes()
			require.NoError(t, proms[i].Resolve(struct{}{}))
			p.RunWoken()
			require.Equal(t, int32(i+1), steps.Load(), "round %d: the woken step had not run when RunWoken returned", i)
		}
		b.wait(t)

		parkedAll(p)
		ran := make(chan struct{})
		p.HoldWakes()
		e.Submit(func() { close(ran) })
		p.RunWoken()
		select {
		case <-ran:
		case <-time.After(10 * time.Second):
			t.Fatal("a callback posted during a hold never ran")
		}
	})
}

// TestHeldWakesAreNeverLost: goroutines that wake tasks under holds, posts
// callbacks from the tasks, and pauses of the pool meanwhile: every task
// finishes, and the pool stops and shuts down with no goroutine left
// (goleak).
func TestHeldWakesAreNeverLost(t *testing.T) {
	onPools(t, func(t *testing.T, e Engine, p *pool) {
		h := p.host
		stop := runInBackground(t, e)

		const tasks, rounds = 20, 200
		chans := make([]chan future.Promise[struct{}], tasks)
		bodies := make([]*bodyFunc, tasks)
		for i := range chans {
			chans[i] = make(chan future.Promise[struct{}], 1)
			bodies[i] = startTask(e, h, func(ctx context.Context) {
				for r := range rounds {
					pr := future.NewPromise[struct{}]()
					chans[i] <- pr
					if r%7 == 0 {
						e.Submit(func() {}) // a callback among the steps
					}
					assert.NoError(t, task.Of(ctx).Suspend(ctx, pr.Future()))
				}
			})
		}
		var wg sync.WaitGroup
		for i := range chans {
			wg.Go(func() {
				for r := range rounds {
					pr := <-chans[i]
					if r%3 == 0 {
						require.NoError(t, pr.Resolve(struct{}{})) // an ordinary wake
						continue
					}
					p.HoldWakes()
					require.NoError(t, pr.Resolve(struct{}{}))
					p.RunWoken()
				}
			})
		}
		for range 5 { // pauses while the wakes go on
			stop()
			stop = runInBackground(t, e)
		}
		for _, b := range bodies {
			b.wait(t)
		}
		wg.Wait()
		stop()
	})
}
