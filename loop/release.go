package loop

import (
	"sync/atomic"
	"unsafe"
)

// The assembly storeRelease writes its value as the 8 bytes at an
// *atomic.Uint64, which holds that one word (beside zero-size markers).
// These fail to compile if the type ever grows or shrinks.
var (
	_ [unsafe.Sizeof(atomic.Uint64{}) - 8]struct{}
	_ [8 - unsafe.Sizeof(atomic.Uint64{})]struct{}
)
