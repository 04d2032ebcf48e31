// Package queue holds the loops' queues: MPSC, the lock-free inbox that any
// goroutine posts into and one consumer at a time empties; FIFO, a chunked
// queue for one goroutine (or one lock holder); and Recycler, which keeps
// their emptied blocks for reuse. They are generic over the entry type, so
// that the engines queue their own entries with no interface boxing.
//
// Nothing here is safe to use from outside the loop's engines.
package queue

// CacheLinePad keeps the fields on either side of it off each other's cache
// lines: 128 bytes covers the adjacent-line prefetcher of amd64, which
// fetches lines in pairs.
type CacheLinePad [128]byte
