// Package withtests discards a coroutine in its own code and in both kinds
// of test file.
package withtests

import (
	"context"

	"github.com/goasyncio/asyncio/future"
)

// Make returns a coroutine that yields v.
func Make(v int) future.Coroutine[int] {
	return func(context.Context) (int, error) { return v, nil }
}

func drop() {
	Make(1)
}
