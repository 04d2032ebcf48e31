package streams

import (
	"crypto/tls"
	"net"
	"time"
)

// Option configures OpenConnection, StartServer or StartTLS. Options are
// made by the With... functions of this package.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// DefaultLimit is a Reader's default limit, asyncio's: 64 KiB.
const DefaultLimit = 64 << 10

// DefaultHighWater is a Writer's default high-water mark, asyncio's: 64
// KiB; the low-water mark defaults to a quarter of the high one.
const DefaultHighWater = 64 << 10

// DefaultHandshakeTimeout bounds a TLS handshake unless
// WithHandshakeTimeout says otherwise: 60 s, asyncio's.
const DefaultHandshakeTimeout = 60 * time.Second

type config struct {
	limit      int
	high, low  int
	tls        *tls.Config
	handshake  time.Duration
	dialer     *net.Dialer
	listen     *net.ListenConfig
	acceptWait time.Duration
	bad        error // the first invalid option
}

func newConfig(opts []Option) config {
	c := config{limit: DefaultLimit, high: DefaultHighWater, low: DefaultHighWater / 4,
		handshake: DefaultHandshakeTimeout, acceptWait: acceptRetryDelay}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

// WithLimit sets the Reader's limit (asyncio's limit=): how much ReadUntil
// and ReadLine look through for a separator before failing with a
// *LimitOverrunError, and the buffer size past which the stream stops
// reading from the connection until the reader catches up (twice the
// limit, as asyncio pauses). Default DefaultLimit; n must be positive.
func WithLimit(n int) Option {
	return optionFunc(func(c *config) {
		if n <= 0 {
			c.setBad("WithLimit: limit must be positive")
		}
		c.limit = n
	})
}

// WithWriteBufferLimits sets the Writer's water marks (asyncio's
// set_write_buffer_limits): Drain waits while more than high bytes are
// buffered and returns once the buffer is at or below low. low 0 means a
// quarter of high. Defaults: DefaultHighWater and a quarter of it.
func WithWriteBufferLimits(high, low int) Option {
	return optionFunc(func(c *config) {
		if low == 0 {
			low = high / 4
		}
		if high <= 0 || low < 0 || low > high {
			c.setBad("WithWriteBufferLimits: need high > 0 and 0 <= low <= high")
		}
		c.high, c.low = high, low
	})
}

// WithTLS makes the connection TLS with cfg (asyncio's ssl=): a client
// for OpenConnection and StartTLS, a server for StartServer. The handshake
// completes before OpenConnection returns or the handler runs.
func WithTLS(cfg *tls.Config) Option {
	return optionFunc(func(c *config) {
		if cfg == nil {
			c.setBad("WithTLS: nil config")
		}
		c.tls = cfg
	})
}

// WithHandshakeTimeout bounds each TLS handshake (asyncio's
// ssl_handshake_timeout). Default DefaultHandshakeTimeout.
func WithHandshakeTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d <= 0 {
			c.setBad("WithHandshakeTimeout: timeout must be positive")
		}
		c.handshake = d
	})
}

// WithDialer has OpenConnection dial with d (its timeout, local address,
// keep-alive and control hooks). Default: a zero net.Dialer.
func WithDialer(d *net.Dialer) Option {
	return optionFunc(func(c *config) { c.dialer = d })
}

// WithListenConfig has StartServer listen with lc (its control hook and
// keep-alive). Default: a zero net.ListenConfig.
func WithListenConfig(lc *net.ListenConfig) Option {
	return optionFunc(func(c *config) { c.listen = lc })
}

func (c *config) setBad(msg string) {
	if c.bad == nil {
		c.bad = &invalidError{msg}
	}
}

type invalidError struct{ msg string }

func (e *invalidError) Error() string { return "streams: " + e.msg }
func (e *invalidError) Unwrap() error { return ErrInvalid }
