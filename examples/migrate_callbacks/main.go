// Command migrate_callbacks moves a callback-based client to futures one
// step at a time, with the old callers and the new ones running side by
// side on the same loop:
//
//  1. The legacy client: Fetch(url, func(body string, err error)).
//  2. An adapter, FetchAsync, puts a future in front of Fetch with
//     compat.FromCallback; Fetch itself is untouched.
//  3. New code is written as coroutines that await FetchAsync.
//  4. Old callers of a function that has been migrated keep their callback
//     through compat.ToCallback.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/goasyncio/asyncio/compat"
	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// Client is step 1: the legacy client. Fetch answers on a goroutine of its
// own, as network clients do, and calls back exactly once.
type Client struct {
	pages map[string]string
	wg    sync.WaitGroup // tracks answering goroutines, for Close
}

// Fetch looks url up and calls cb with its body or an error.
func (c *Client) Fetch(url string, cb func(body string, err error)) {
	c.wg.Go(func() {
		body, ok := c.pages[url]
		if !ok {
			cb("", fmt.Errorf("fetch %s: %w", url, errNotFound))
			return
		}
		cb(body, nil)
	})
}

// Close waits for answers still in flight.
func (c *Client) Close() { c.wg.Wait() }

var errNotFound = errors.New("not found")

// FetchAsync is step 2: the adapter. Nothing about Fetch changes.
func (c *Client) FetchAsync(ctx context.Context, url string) *future.Future[string] {
	return compat.FromCallback(ctx, func(cb func(string, error)) { c.Fetch(url, cb) })
}

// Title is step 3: new code, a coroutine awaiting the adapter.
func (c *Client) Title(url string) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		body, err := future.Await(ctx, c.FetchAsync(ctx, url))
		if err != nil {
			return "", err
		}
		title, _, _ := strings.Cut(body, "\n")
		return strings.ToUpper(title), nil
	}
}

// TitleCallback is step 4: the callback signature old callers of Title
// still use, now a thin layer over the coroutine.
func (c *Client) TitleCallback(l *loop.Loop, url string, cb func(string, error)) {
	_ = compat.ToCallback(loop.CreateTask(l, c.Title(url)), cb)
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		c := &Client{pages: map[string]string{
			"/home":  "welcome\nhello",
			"/about": "about us\nwe write Go",
		}}
		defer c.Close()

		_, err := loop.RunUntilComplete(context.Background(), eventLoop, future.Coroutine[struct{}](func(ctx context.Context) (struct{}, error) {
			// An old caller, untouched: a raw callback. Its answer is handed
			// to the loop as a future so the printout keeps a fixed order.
			legacy := compat.FromCallback(ctx, func(done func(string, error)) {
				c.Fetch("/home", func(body string, err error) {
					done(fmt.Sprintf("legacy callback: %q %v", body, err), nil)
				})
			})
			line, _ := future.Await(ctx, legacy)
			fmt.Fprintln(w, line)

			// New callers: coroutines, run concurrently and gathered in order.
			titles, err := future.Await(ctx, loop.Gather(ctx, c.Title("/home"), c.Title("/about")))
			if err != nil {
				return struct{}{}, err
			}
			fmt.Fprintf(w, "new coroutine titles: %q\n", titles)

			// Errors travel as values, with errors.Is intact.
			_, err = future.Await(ctx, c.Title("/missing"))
			fmt.Fprintf(w, "new coroutine error: %v (not found: %t)\n", err, errors.Is(err, errNotFound))

			// An old caller of the migrated Title keeps its callback.
			answered := future.NewPromise[string]()
			c.TitleCallback(eventLoop, "/about", func(title string, err error) {
				_ = answered.Resolve(fmt.Sprintf("old caller of Title: %q %v", title, err))
			})
			line, _ = future.Await(ctx, answered.Future())
			fmt.Fprintln(w, line)
			return struct{}{}, nil
		}))
		return err
	})
}

func main() { engine.Main(run) }
