//go:build !unix

// Command asyncio_signal needs Unix signals (SIGHUP, SIGUSR1), which this
// platform does not have; on Unix it is the Go translation of
// asyncio_signal.py (see main.go). On Windows, loop.AddSignalHandler
// still handles os.Interrupt (Ctrl-C).
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "asyncio_signal: this program sends itself Unix signals (SIGHUP, SIGUSR1), which this platform lacks")
	os.Exit(1)
}
