package compat_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/loop"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// engines are the loop constructors every loop test runs against.
var engines = []struct {
	name string
	new  func(...loop.Option) *loop.Loop
}{
	{"single", loop.NewSingleThread},
	{"pool", loop.NewPool},
}

// eachEngine runs test once per engine with a fresh loop, closed afterwards.
func eachEngine(t *testing.T, test func(t *testing.T, l *loop.Loop), opts ...loop.Option) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			l := e.new(opts...)
			defer func() {
				if err := l.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			test(t, l)
		})
	}
}
