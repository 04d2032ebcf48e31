//go:build !gc || !(amd64 || arm64) || race

package loop

import "sync/atomic"

// storeRelease stores v in *p. Here it is p.Store: on these architectures
// and compilers, and under the race detector (which must see the store to
// know what it publishes), no cheaper release store is written.
func storeRelease(p *atomic.Uint64, v uint64) { p.Store(v) }
