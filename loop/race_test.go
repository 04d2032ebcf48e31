//go:build race

package loop_test

// raceEnabled reports whether the tests run under the race detector, which
// makes a stream of posts some fifty times slower.
const raceEnabled = true
