// Package bad discards coroutines in each way that neverawaited reports,
// next to uses of coroutines that it must not report.
package bad

import (
	"context"

	"github.com/goasyncio/asyncio/future"
)

func phase1() future.Coroutine[string] {
	return func(context.Context) (string, error) { return "result1", nil }
}

func value[T any](v T) future.Coroutine[T] {
	return func(context.Context) (T, error) { return v, nil }
}

func withErr() (future.Coroutine[int], error) { return value(1), nil }

// Job is an alias of an instance of Coroutine.
type Job = future.Coroutine[int]

// Co is a generic alias of Coroutine.
type Co[T any] = future.Coroutine[T]

func job() Job { return value(2) }

func co() Co[bool] { return value(true) }

type server struct{ ch chan future.Coroutine[string] }

func (s *server) next() future.Coroutine[string] { return <-s.ch }

// Discarded drops a coroutine on every line that neverawaited reports.
func Discarded(ctx context.Context, s *server, mk func() future.Coroutine[string]) {
	phase1()
	(phase1())
	withErr()
	value(3)
	value[int](4)
	job()
	co()
	s.next()
	mk()
	func() future.Coroutine[int] { return value(5) }()
	go phase1()
	defer phase1()
	go s.next()
	defer withErr()
	<-s.ch
	select {
	case <-s.ch:
	default:
	}
	if phase1(); ctx != nil {
		return
	}
}

// Kept uses every coroutine it makes, or drops one on purpose.
func Kept(ctx context.Context, s *server) (future.Coroutine[string], error) {
	_ = phase1()
	_, err := withErr()
	c := phase1()
	if _, err := future.Await(ctx, c); err != nil {
		return nil, err
	}
	_, _ = future.Await(ctx, phase1())
	_, _ = phase1()(ctx)
	go phase1()(ctx)
	defer phase1()(ctx)
	s.ch <- phase1()
	all := []future.Coroutine[string]{phase1(), s.next()}
	_ = all
	_ = <-s.ch
	select {
	case c := <-s.ch:
		_ = c
	case _ = <-s.ch:
	}
	return phase1(), err
}

var _ = phase1()
