package streams

import "sync"

// Read buffers larger than minReadChunk are shared between streams
// through pools, one per size (the sizes nextReadSize gives: powers of
// two up to maxReadChunk), and a stream gives its large buffers back once
// everything in them has been read and the socket has nothing more for
// now. A stream that once took a burst then keeps no large buffer while
// it idles: after one 256 KiB echo on each of 1,000 connections, the
// single-thread engine held 483 KB a connection, and Go net's echo (a
// fixed 64 KiB buffer) 71 KB. The pools keep a stream that stays busy
// from allocating (and zeroing) a buffer a message. Buffers of
// minReadChunk stay with their stream, as before: they are what an echo
// of 1 KiB messages reads with.
var (
	pool8K   sync.Pool // *[8 << 10]byte
	pool16K  sync.Pool // *[16 << 10]byte
	pool32K  sync.Pool // *[32 << 10]byte
	pool64K  sync.Pool // *[64 << 10]byte
	pool128K sync.Pool // *[128 << 10]byte
	pool256K sync.Pool // *[256 << 10]byte
)

// getReadBuf returns a buffer of size bytes, pooled if size has a pool.
func getReadBuf(size int) []byte {
	switch size {
	case 8 << 10:
		if p, ok := pool8K.Get().(*[8 << 10]byte); ok {
			return p[:]
		}
	case 16 << 10:
		if p, ok := pool16K.Get().(*[16 << 10]byte); ok {
			return p[:]
		}
	case 32 << 10:
		if p, ok := pool32K.Get().(*[32 << 10]byte); ok {
			return p[:]
		}
	case 64 << 10:
		if p, ok := pool64K.Get().(*[64 << 10]byte); ok {
			return p[:]
		}
	case 128 << 10:
		if p, ok := pool128K.Get().(*[128 << 10]byte); ok {
			return p[:]
		}
	case 256 << 10:
		if p, ok := pool256K.Get().(*[256 << 10]byte); ok {
			return p[:]
		}
	}
	return make([]byte, size)
}

// putReadBuf gives b's array to the pool of its capacity, if it has one;
// otherwise the array is left to the collector. Nothing may use b after.
func putReadBuf(b []byte) {
	b = b[:cap(b)]
	switch len(b) {
	case 8 << 10:
		pool8K.Put((*[8 << 10]byte)(b))
	case 16 << 10:
		pool16K.Put((*[16 << 10]byte)(b))
	case 32 << 10:
		pool32K.Put((*[32 << 10]byte)(b))
	case 64 << 10:
		pool64K.Put((*[64 << 10]byte)(b))
	case 128 << 10:
		pool128K.Put((*[128 << 10]byte)(b))
	case 256 << 10:
		pool256K.Put((*[256 << 10]byte)(b))
	}
}

// large reports whether b holds more than a stream keeps while idle.
func large(b []byte) bool { return cap(b) > minReadChunk }
