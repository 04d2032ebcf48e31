//go:build !unix

package streams

// startReading starts the stream's read goroutine. Off Unix it reads with
// nc.Read (Windows sockets complete reads through IOCP, and a RawConn's
// Read cannot wait there), holding its buffer while it waits.
func (s *stream) startReading() { go s.readLoop() }
