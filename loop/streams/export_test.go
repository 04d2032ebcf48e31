package streams

import "time"

// WithAcceptRetryDelay shortens the wait after a failed accept, for tests.
func WithAcceptRetryDelay(d time.Duration) Option {
	return optionFunc(func(c *config) { c.acceptWait = d })
}
