// Package driver is where a loop's engine waits: the clock, the heap of
// timers, and Park, the one place an engine blocks when it has nothing to
// run, with Unpark to end that wait from any goroutine. An engine queues
// and runs work; when it runs out, it asks the driver to park it until the
// next timer is nearly due, a post wakes it, or (with virtual time, when
// nothing else can happen) the clock jumps to that timer. An I/O poller,
// later, becomes another way to park behind the same two calls.
package driver
