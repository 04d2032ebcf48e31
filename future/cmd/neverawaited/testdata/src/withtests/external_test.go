package withtests_test

import (
	"testing"

	"github.com/goasyncio/asyncio/future/cmd/neverawaited/testdata/src/withtests"
)

func TestExternal(t *testing.T) {
	defer withtests.Make(3)
}
