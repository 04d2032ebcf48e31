package streams

import (
	"math/bits"
	"sync"
)

// Read buffers larger than minReadChunk are shared between streams
// through pools, one per size (the sizes nextReadSize gives: powers of
// two up to maxReadChunk), and a stream gives its large buffers back once
// everything in them has been read and the socket has nothing more for
// now, and so does a read goroutine while it waits for its socket
// (rawread_unix.go) or for a paused reading to resume. A stream that
// once took a burst then keeps no large buffer while it idles: after one
// 256 KiB echo on each of 1,000 connections, heap and stacks came to
// 424 KB a connection before and 72 KB after on the single-thread
// engine, 207 KB and 75 KB on the pool, against 69 KB for Go net's echo
// with its fixed 64 KiB buffer. The pools keep a stream that stays busy
// from allocating (and zeroing) a buffer a message; a Put costs the
// 24-byte slice header it stores. Buffers of minReadChunk stay with
// their stream, as before: they are what an echo of 1 KiB messages reads
// with.
//
// readBufs[i] holds *[]byte of minReadChunk<<i bytes; readBufs[0] is
// unused.
var readBufs [readBufSizes]sync.Pool

// readBufSizes is how many sizes there are, minReadChunk to maxReadChunk;
// the blank array below fails to compile if the two chunks change apart.
const readBufSizes = 7

var _ = [1]struct{}{}[minReadChunk<<(readBufSizes-1)-maxReadChunk]

// readBufClass returns the index in readBufs of buffers of size bytes,
// and false if size has no pool.
func readBufClass(size int) (int, bool) {
	if size <= minReadChunk || size > maxReadChunk || size%minReadChunk != 0 {
		return 0, false
	}
	q := uint(size / minReadChunk)
	if q&(q-1) != 0 {
		return 0, false
	}
	return bits.TrailingZeros(q), true
}

// getReadBuf returns a buffer of size bytes, pooled if size has a pool.
func getReadBuf(size int) []byte {
	if c, ok := readBufClass(size); ok {
		if p, _ := readBufs[c].Get().(*[]byte); p != nil {
			return (*p)[:size]
		}
	}
	return make([]byte, size)
}

// putReadBuf gives b's array to the pool of its capacity, if it has one;
// otherwise the array is left to the collector. Nothing may use b after.
func putReadBuf(b []byte) {
	if c, ok := readBufClass(cap(b)); ok {
		b = b[:cap(b)]
		readBufs[c].Put(&b)
	}
}

// dropLarge gives b back to its pool and returns nil if b is large, and
// returns b otherwise: what a reader keeps while it waits.
func dropLarge(b []byte) []byte {
	if large(b) {
		putReadBuf(b)
		return nil
	}
	return b
}

// large reports whether b holds more than a stream keeps while idle.
func large(b []byte) bool { return cap(b) > minReadChunk }
