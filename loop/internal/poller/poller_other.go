//go:build !linux

package poller

import "time"

// Poller is not available on this OS: Open fails, and the loop keeps its
// portable park, with goroutines serving the streams. (kqueue on the BSDs
// and macOS, and IOCP on Windows, would go here.)
type Poller struct{}

// Open reports ErrUnsupported.
func Open() (*Poller, error) { return nil, ErrUnsupported }

// Register is never called: there is no Poller.
func (p *Poller) Register(fd int, h Handler) (uint64, error) { return 0, ErrUnsupported }

// Deregister does nothing.
func (p *Poller) Deregister(fd int, tok uint64) {}

// Forget does nothing.
func (p *Poller) Forget(tok uint64) {}

// Registered reports 0.
func (p *Poller) Registered() int { return 0 }

// Wake does nothing.
func (p *Poller) Wake() {}

// Wait reports 0.
func (p *Poller) Wait(timeout time.Duration) int { return 0 }

// Dispatch does nothing.
func (p *Poller) Dispatch() {}

// Notify does nothing.
func (p *Poller) Notify(tok uint64) {}

// Close does nothing.
func (p *Poller) Close() error { return nil }
