package looptest_test

import (
	"context"
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/looptest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestEachRunsOnEveryEngineAndClosesTheLoop(t *testing.T) {
	var seen []*loop.Loop
	looptest.Each(t, func(t *testing.T, l *loop.Loop) {
		seen = append(seen, l)
		v, err := loop.RunUntilComplete(context.Background(), l, future.Coroutine[int](func(context.Context) (int, error) {
			return 42, nil
		}))
		if err != nil || v != 42 {
			t.Errorf("got %d, %v", v, err)
		}
	})
	if len(seen) != len(looptest.Engines) {
		t.Fatalf("ran on %d engines, want %d", len(seen), len(looptest.Engines))
	}
	if looptest.Engines[0].Name != "single" || looptest.Engines[1].Name != "pool" || seen[1].ThreadID() != 0 {
		t.Errorf("want a single-thread loop, then a pool")
	}
	for _, l := range seen {
		if !l.IsClosed() {
			t.Errorf("a loop was left open")
		}
	}
}
