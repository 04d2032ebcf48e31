//go:build !unix

package streams

import (
	"net"

	"github.com/goasyncio/asyncio/loop/internal/poller"
)

// startPolledLocked reports false: off Unix the loop has no poller of its
// own, and every stream keeps its read goroutine.
func (s *stream) startPolledLocked(*poller.Poller, net.Conn) bool { return false }
