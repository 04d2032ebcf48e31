//go:build gc && (amd64 || arm64) && !race

package loop

import "sync/atomic"

// storeRelease stores v in *p with release ordering only: the stores
// before it are visible to any goroutine that observes v with an atomic
// load, but, unlike p.Store, it does not also order later loads after it
// (see mpsc). On amd64 that is a plain MOV, on arm64 an STLR. The assembly
// writes the 8 bytes at p: see the layout check in release.go.
//
//go:noescape
func storeRelease(p *atomic.Uint64, v uint64)
