package streams

import (
	"errors"
	"fmt"
	"io"
)

var (
	// ErrReadInProgress is returned by a read on a Reader another
	// coroutine is already waiting on (asyncio raises RuntimeError): a
	// stream has one reader at a time.
	ErrReadInProgress = errors.New("streams: another read is waiting on this reader")

	// ErrInvalid wraps a bad argument: a negative count for ReadExactly,
	// an empty separator, a limit or water mark below one.
	ErrInvalid = errors.New("streams: invalid argument")

	// ErrClosing is returned by a write on a Writer that Close, Abort or
	// the loop's Close has closed; it matches net.ErrClosed too.
	ErrClosing = fmt.Errorf("streams: writer is closing: %w", errNetClosed)

	// ErrCannotWriteEOF is returned by WriteEOF on a stream that cannot
	// half-close (TLS; see CanWriteEOF). It matches errors.ErrUnsupported.
	ErrCannotWriteEOF = fmt.Errorf("streams: this stream cannot write EOF: %w", errors.ErrUnsupported)
)

// IncompleteReadError is returned when the stream ends before a read has
// what it asked for (asyncio's IncompleteReadError). Partial holds the
// bytes read, which are consumed; Expected is the count asked for, or -1
// for ReadUntil. It matches io.ErrUnexpectedEOF.
type IncompleteReadError struct {
	Partial  []byte
	Expected int
}

func (e *IncompleteReadError) Error() string {
	if e.Expected < 0 {
		return fmt.Sprintf("streams: %d bytes read before EOF, separator not found", len(e.Partial))
	}
	return fmt.Sprintf("streams: %d bytes read on a total of %d expected bytes", len(e.Partial), e.Expected)
}

// Unwrap returns io.ErrUnexpectedEOF.
func (e *IncompleteReadError) Unwrap() error { return io.ErrUnexpectedEOF }

// LimitOverrunError is returned by ReadUntil and ReadLine when the data
// before a separator would exceed the reader's limit (asyncio's
// LimitOverrunError). Consumed is how many bytes ReadUntil leaves to be
// read before trying again (it keeps the buffer as it was); ReadLine drops
// the overlong line instead, as asyncio's readline does.
type LimitOverrunError struct {
	Consumed int
	found    bool
}

func (e *LimitOverrunError) Error() string {
	if e.found {
		return fmt.Sprintf("streams: separator found after %d bytes, beyond the reader's limit", e.Consumed)
	}
	return fmt.Sprintf("streams: no separator within the reader's limit (%d bytes scanned)", e.Consumed)
}
