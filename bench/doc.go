// Package bench measures what this module's futures, coroutines and loops
// cost, each beside the floor a Go programmer would otherwise reach for:
// iter.Pull for a coroutine switch, a buffered channel for a one-shot value,
// a plain function call for an inline await, a goroutine and a channel for a
// unit of concurrent work.
//
// Every benchmark puts the library's form and the hand-written form in one
// b.Run tree, so a single run shows them side by side:
//
//	go test -run xxx -bench . -benchmem ./bench/
//
// The package has no exported API; the numbers feed the "Measured cost"
// sentences in the future and loop package docs.
package bench
