//go:build !(amd64 || arm64) || race

package loop

import "sync/atomic"

// storeRelease stores v at *addr. Here it is atomic.StoreUint64: on these
// architectures, and under the race detector (which must see the store to
// know what it publishes), no cheaper release store is written.
func storeRelease(addr *uint64, v uint64) { atomic.StoreUint64(addr, v) }
