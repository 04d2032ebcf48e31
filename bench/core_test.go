package bench

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"testing"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// sink keeps results alive so that the compiler cannot drop the work that
// made them. Benchmarks write it from one goroutine at a time.
var sink int

// benchEngine is a loop engine by the b.Run name it appears under.
type benchEngine struct {
	name    string
	newLoop func() *loop.Loop
}

// enginesWith returns loop.Engines(), each making its loops with opts.
func enginesWith(opts ...loop.Option) []benchEngine {
	var es []benchEngine
	for _, e := range loop.Engines() {
		es = append(es, benchEngine{e.Name, func() *loop.Loop { return e.New(opts...) }})
	}
	return es
}

// engines are the loop engines the per-operation benchmarks compare. The
// pool has one worker, so that its rows measure a switch, a post and a
// dispatch, as the single-thread loop's do, not two workers contending.
var engines = enginesWith(loop.WithWorkers(1))

// runOnLoop runs body as the main task of a fresh loop made by newLoop and
// closes the loop. body runs b.N operations itself: a coroutine cannot use
// b.Loop, and b.Fatal must not be called from it (it runs on a runtime
// coroutine or a worker goroutine), so it returns its error instead.
func runOnLoop(b *testing.B, newLoop func() *loop.Loop, body future.Coroutine[int]) {
	b.Helper()
	l := newLoop()
	v, err := loop.RunUntilComplete(context.Background(), l, body)
	if cerr := l.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		b.Fatal(err)
	}
	sink += v
}

// onLockedThread runs fn on a new goroutine locked to its OS thread, as a
// single-thread loop's goroutine is, and waits for it to return.
func onLockedThread(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		fn()
	}()
	<-done
}

// BenchmarkSuspendResume measures one suspend and resume of a coroutine on
// one OS thread. One op is loop.Sleep(ctx, 0) in a task: the task yields, the
// loop runs an iteration, and the task resumes. The floor is one next() of
// iter.Pull on a locked thread, the runtime coroutine switch the
// single-thread engine is built on; chanPingPong is the naive design, a
// channel round trip between a locked driver goroutine and a worker.
func BenchmarkSuspendResume(b *testing.B) {
	for _, e := range engines {
		b.Run("Loop/"+e.name, func(b *testing.B) {
			b.ReportAllocs()
			runOnLoop(b, e.newLoop, func(ctx context.Context) (int, error) {
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := loop.Sleep(ctx, 0); err != nil {
						return 0, err
					}
				}
				b.StopTimer()
				return 0, nil
			})
		})
	}
	b.Run("iterPull/locked", func(b *testing.B) {
		b.ReportAllocs()
		onLockedThread(func() {
			next, stop := iter.Pull(func(yield func(int) bool) {
				for i := 0; yield(i); i++ {
				}
			})
			defer stop()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				v, _ := next()
				sink += v
			}
			b.StopTimer()
		})
	})
	b.Run("chanPingPong/locked", func(b *testing.B) {
		b.ReportAllocs()
		ping, pong := make(chan struct{}), make(chan struct{})
		workerDone := make(chan struct{})
		go func() {
			defer close(workerDone)
			for range ping {
				pong <- struct{}{}
			}
		}()
		onLockedThread(func() {
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ping <- struct{}{}
				<-pong
			}
			b.StopTimer()
		})
		close(ping)
		<-workerDone
	})
}

// BenchmarkFutureCreateResolveRead measures a one-shot value handed over in
// one goroutine. One op makes a promise, resolves it and reads the result
// without blocking. The floor is make, send and receive on a channel with a
// buffer of one.
func BenchmarkFutureCreateResolveRead(b *testing.B) {
	b.Run("Future", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			p := future.NewPromise[int]()
			_ = p.Resolve(i)
			v, _ := p.Future().Result()
			sink += v
		}
	})
	b.Run("chan", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			c := make(chan int, 1)
			c <- i
			v := <-c
			sink += v
		}
	})
}

// inline is a coroutine that returns at once. It is a package-level value
// so that awaiting it measures Await, not the making of a closure.
var inline future.Coroutine[int] = func(context.Context) (int, error) { return 1, nil }

//go:noinline
func plain(context.Context) (int, error) { return 1, nil }

// BenchmarkAwait measures Await when it need not wait, from plain goroutine
// code. One op is one Await of an already-resolved future, or of a
// coroutine that returns at once (run inline as a function call). The floor
// is a call of a function that is not inlined and returns (int, error).
// Neither Await form may allocate.
func BenchmarkAwait(b *testing.B) {
	ctx := context.Background()
	b.Run("completedFuture", func(b *testing.B) {
		b.ReportAllocs()
		p := future.NewPromise[int]()
		_ = p.Resolve(1)
		f := p.Future()
		for b.Loop() {
			v, _ := future.Await(ctx, f)
			sink += v
		}
	})
	b.Run("coroutineInline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v, _ := future.Await(ctx, inline)
			sink += v
		}
	})
	b.Run("plainCall", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v, _ := plain(ctx)
			sink += v
		}
	})
}

// BenchmarkCoroutineCreateRun measures making a coroutine and running it to
// its end. One op, under a loop, is a task spawned with loop.CreateTask from
// the main task, run to completion, and awaited (the main task suspends until
// it is done). The floor is iter.Pull over a sequence that yields once: make
// it, call next twice, stop. goChan is the goroutine form: start a goroutine
// that sends one value on a channel with a buffer of one, and receive it.
func BenchmarkCoroutineCreateRun(b *testing.B) {
	for _, e := range engines {
		b.Run("Loop/"+e.name, func(b *testing.B) { benchCreateRun(b, e.newLoop, false) })
		// The same with EagerStart: the body runs in the creator's turn,
		// and a body that never suspends is done without a trip through
		// the loop (asyncio's eager_start).
		b.Run("Loop/"+e.name+"/eager", func(b *testing.B) { benchCreateRun(b, e.newLoop, true) })
	}
	// The same with the loop's eager task factory and no option: the
	// single-thread loop tells its caller by the thread it runs on (the
	// pool cannot, and starts such tasks as usual, so it has no row).
	b.Run("Loop/single/eagerFactory", func(b *testing.B) {
		newLoop := func() *loop.Loop { return loop.NewSingleThread(loop.WithEagerTaskFactory()) }
		benchCreateRun(b, newLoop, false)
	})
	b.Run("iterPull", func(b *testing.B) {
		b.ReportAllocs()
		once := func(yield func(int) bool) { yield(1) }
		for b.Loop() {
			next, stop := iter.Pull(once)
			v, _ := next()
			_, _ = next()
			stop()
			sink += v
		}
	})
	b.Run("goChan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := make(chan int, 1)
			go func() { c <- 1 }()
			sink += <-c
		}
	})
}

// benchCreateRun is a Loop row of BenchmarkCoroutineCreateRun, on a loop
// made by newLoop, with EagerStart if eager.
func benchCreateRun(b *testing.B, newLoop func() *loop.Loop, eager bool) {
	b.ReportAllocs()
	runOnLoop(b, newLoop, func(ctx context.Context) (int, error) {
		l, err := loop.GetRunningLoop(ctx)
		if err != nil {
			return 0, err
		}
		var opts []loop.TaskOption
		if eager {
			opts = append(opts, loop.EagerStart(ctx))
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			v, err := future.Await(ctx, loop.CreateTask(l, inline, opts...))
			if err != nil {
				return 0, err
			}
			sink += v
		}
		b.StopTimer()
		return 0, nil
	})
}
