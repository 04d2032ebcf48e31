// Package good has no discarded coroutine, and calls look-alikes that
// neverawaited must tell apart from future.Coroutine.
package good

import (
	"context"

	"github.com/goasyncio/asyncio/future"
)

// Coroutine has the name and shape of future.Coroutine but another package.
type Coroutine[T any] func(ctx context.Context) (T, error)

// Job is a type defined from a Coroutine instance, not the instance itself.
type Job future.Coroutine[int]

func local() Coroutine[int] { return nil }

func job() Job { return nil }

func body(context.Context) (int, error) { return 1, nil }

func coro() future.Coroutine[int] { return body }

func sink(future.Coroutine[int]) {}

// Use calls everything as a statement and awaits, passes or keeps every
// future.Coroutine.
func Use(ctx context.Context, ch chan Coroutine[int]) (future.Coroutine[int], error) {
	local()
	job()
	<-ch
	_, _ = body(ctx)
	sink(coro())
	go sink(coro())
	defer sink(coro())
	v, err := future.Await(ctx, coro())
	_ = v
	return coro(), err
}
