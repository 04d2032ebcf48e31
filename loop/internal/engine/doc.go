// Package engine holds the loop's two engines: Single (one goroutine
// locked to one OS thread runs every callback and resumes every task's
// coroutine) and Pool (worker goroutines, each with its own ready queue,
// that steal from each other). An engine only queues work, runs it until
// told to stop, and resumes and suspends task bodies through package task;
// it waits through package driver and queues through package queue. It
// never imports package loop: the loop composes an engine with its host,
// driver and options.
package engine
