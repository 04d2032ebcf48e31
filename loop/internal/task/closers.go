package task

import (
	"slices"
	"sync"
)

// closers is what a loop closes once its tasks have unwound: the servers
// and streams its tasks opened and left open. Each entry is added by the
// resource and removed by it when it closes by itself.
type closers struct {
	mu     sync.Mutex // protects the fields below
	next   uint64     // the last key handed out
	fns    map[uint64]func()
	closed bool // CloseResources has run: later adds are refused
}

// AddCloser registers fn, to be called once when the loop closes, and
// returns a function that unregisters it (idempotent, safe from any
// goroutine). It reports false, registering nothing, if the loop has
// already closed its resources: the caller must then close its own.
func (h *Host) AddCloser(fn func()) (remove func(), ok bool) {
	c := &h.res
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return func() {}, false
	}
	if c.fns == nil {
		c.fns = make(map[uint64]func())
	}
	c.next++
	key := c.next
	c.fns[key] = fn
	return func() {
		c.mu.Lock()
		delete(c.fns, key)
		c.mu.Unlock()
	}, true
}

// CloseResources calls every registered closer, in the order they were
// added, and refuses later ones. Each closer runs without the lock held, so
// it may unregister itself.
func (h *Host) CloseResources() {
	c := &h.res
	c.mu.Lock()
	c.closed = true
	keys := make([]uint64, 0, len(c.fns))
	for k := range c.fns {
		keys = append(keys, k)
	}
	fns := make([]func(), 0, len(keys))
	slices.Sort(keys)
	for _, k := range keys {
		fns = append(fns, c.fns[k])
	}
	clear(c.fns)
	c.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}
