//go:build (amd64 || arm64) && !race

package loop

// storeRelease stores v at *addr with release ordering only: the stores
// before it are visible to any goroutine that observes v with an atomic
// load, but, unlike atomic.StoreUint64, it does not also wait for later
// loads (see mpsc.push). On amd64 that is a plain MOV, on arm64 an STLR.
//
//go:noescape
func storeRelease(addr *uint64, v uint64)
