//go:build !race

package streams

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = false
