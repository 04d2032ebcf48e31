// Package engine lets every example choose its loop engine with one flag,
// so that the same program (and its test) runs on both.
package engine

import (
	"flag"
	"fmt"

	"github.com/goasyncio/asyncio/loop"
)

// Names lists the engines, in the order tests run them.
var Names = []string{"single", "pool"}

// Flag registers -engine on the default flag set.
func Flag() *string {
	return flag.String("engine", "single", "loop engine: single (one OS thread) or pool (worker goroutines)")
}

// New returns a new loop of the named engine.
func New(name string) (*loop.Loop, error) {
	switch name {
	case "single":
		return loop.NewSingleThread(), nil
	case "pool":
		return loop.NewPool(), nil
	}
	return nil, fmt.Errorf("unknown engine %q (want single or pool)", name)
}
