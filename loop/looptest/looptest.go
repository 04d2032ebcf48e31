// Package looptest runs a test once per loop engine, as
// net/http/httptest serves one: coroutine code is meant to run unchanged on
// a single-thread loop and on a pool, and a suite proves it by running
// everything on each.
package looptest

import (
	"testing"

	"github.com/goasyncio/asyncio/loop"
)

// Engine is one of the loop engines, by the name its subtests take.
type Engine = loop.Engine

// Engines lists the engines Each runs on: loop.Engines(), "single" then
// "pool", and any a test binary adds with Add.
var Engines = loop.Engines()

// Add appends e to Engines and returns the new list, so that a test
// package runs its whole suite on one more engine with one line:
//
//	var engines = looptest.Add(looptest.PoolOf("pool1", 1))
func Add(e Engine) []Engine {
	Engines = append(Engines, e)
	return Engines
}

// PoolOf returns a pool engine named name whose loops have n workers
// unless the test's options say otherwise.
func PoolOf(name string, n int) Engine {
	return With(Engine{Name: name, New: loop.NewPool}, loop.WithWorkers(n))
}

// With returns e with opts given to every loop it makes, before the
// caller's own (which win where they disagree).
func With(e Engine, opts ...loop.Option) Engine {
	return Engine{Name: e.Name, New: func(more ...loop.Option) *loop.Loop {
		return e.New(append(append([]loop.Option(nil), opts...), more...)...)
	}}
}

// Each runs test as a subtest per engine, each with a fresh loop made with
// opts, and closes the loop after the subtest, failing it if Close fails.
// An option one engine ignores (loop.WithWorkers on a single-thread loop)
// is harmless.
func Each(t *testing.T, test func(t *testing.T, l *loop.Loop), opts ...loop.Option) {
	t.Helper()
	for _, e := range Engines {
		t.Run(e.Name, func(t *testing.T) {
			l := e.New(opts...)
			defer func() {
				if err := l.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			test(t, l)
		})
	}
}
