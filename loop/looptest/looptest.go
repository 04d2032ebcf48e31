// Package looptest runs a test once per loop engine, as
// net/http/httptest serves one: coroutine code is meant to run unchanged on
// a single-thread loop and on a pool, and a suite proves it by running
// everything on both.
package looptest

import (
	"testing"

	"github.com/goasyncio/asyncio/loop"
)

// Engine is one of the loop engines, by the name its subtests take.
type Engine struct {
	Name string
	New  func(...loop.Option) *loop.Loop
}

// Engines lists both engines: "single" (loop.NewSingleThread) and "pool"
// (loop.NewPool).
var Engines = []Engine{
	{"single", loop.NewSingleThread},
	{"pool", loop.NewPool},
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
