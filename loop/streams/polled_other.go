//go:build !linux

package streams

import (
	"net"

	"github.com/goasyncio/asyncio/loop/internal/poller"
)

// startPolledLocked reports false: off Linux the loop has no poller of its
// own, and every stream keeps its read goroutine.
func (s *stream) startPolledLocked(*poller.Poller, net.Conn) bool { return false }

// The stream is never raw off Linux: these are not called.

func (s *stream) writeRawLocked(...[]byte)         { panic("streams: no poller") }
func (s *stream) settleRawLocked(readWake)         { panic("streams: no poller") }
func (s *stream) closeRawLocked()                  {}
func (s *stream) shutdownRawLocked() error         { panic("streams: no poller") }
func (s *stream) rawConnLocked() (net.Conn, error) { panic("streams: no poller") }
