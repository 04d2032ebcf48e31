package compat

import (
	"fmt"
	"os"
)

// Option configures a callback adapter or Listen. Its method is unexported,
// so only this package makes options.
type Option interface{ apply(*config) }

type config struct {
	misuse func(error)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithMisuseHandler sets the function that receives errors a callback has
// no way to return: a callback called more than once (an error matching
// ErrCalledTwice), a panic in a ToCallback consumer or in an unsubscribe
// function (a *future.PanicError). It is called on the goroutine where the
// misuse happened and should be quick. The default writes the error to
// standard error. A nil h keeps the default.
func WithMisuseHandler(h func(error)) Option {
	return optionFunc(func(c *config) {
		if h != nil {
			c.misuse = h
		}
	})
}

func newConfig(opts []Option) config {
	c := config{misuse: defaultMisuse}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

func defaultMisuse(err error) {
	fmt.Fprintf(os.Stderr, "compat: %v\n", err)
}
