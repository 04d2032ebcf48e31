// Neverawaited reports coroutines that are made and then dropped, so that
// their bodies never run.
//
// In Python, calling an async def function without awaiting the result
// makes a coroutine object, and when the garbage collector finds it
// unawaited the interpreter warns "coroutine ... was never awaited". A
// future.Coroutine is a plain func value: making one allocates nothing that a
// collector could find and registers nothing that could be checked at exit,
// so no run-time check can notice one that was dropped. Neverawaited finds
// them statically instead, in the spirit of go vet's unusedresult and
// lostcancel checks.
//
// It reports:
//
//   - an expression statement that calls a function whose result, or one of
//     whose results, is a future.Coroutine[T], also when the result type is
//     spelled through an alias: phase1() alone on a line makes a coroutine
//     and throws it away;
//   - go f() and defer f() where f returns a future.Coroutine[T]: the
//     statement makes the coroutine on another goroutine, or when the
//     function returns, and drops it (go f()(ctx) would run the body);
//   - an expression statement that receives a future.Coroutine[T] from a
//     channel and drops it: <-ch alone, or a bare case <-ch: in a select.
//
// The last rule is the one addition to "a statement discards a coroutine
// returned by a call": besides calls, a receive is the only expression that
// Go lets a statement discard, and it loses the coroutine just as surely.
// Everything else that could drop a coroutine is either a compile error
// already (an unused local variable, a conversion or a bare value used as a
// statement) or not certain without data-flow analysis (a variable, field or
// slice element that is never awaited later may be awaited through another
// path), so it is left alone rather than guessed at.
//
// A coroutine that is assigned, passed, returned, stored or sent is not
// reported, and neither is one assigned to the blank identifier: _ = f()
// says that the drop is meant. Only future.Coroutine itself is matched, not
// a type defined from it (type Job future.Coroutine[int] is a new type).
//
// Usage:
//
//	go run github.com/goasyncio/asyncio/future/cmd/neverawaited [-test] [packages]
//
// Packages are named as for go build, "." by default; ./... checks the whole
// module. With -test, test files are checked too. Packages are loaded with
// go list -export, so the go command must be on the PATH and the packages
// and their dependencies must build.
//
// Each finding is printed to standard output as file:line:col: message,
// sorted by position. The exit status is 0 when nothing is reported, 1 when
// something is, and 2 when the arguments are wrong or the packages cannot be
// loaded or type-checked.
package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Exit statuses of the command.
const (
	exitClean = 0 // nothing reported
	exitFound = 1 // at least one coroutine is discarded
	exitError = 2 // bad arguments, or the packages could not be loaded
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command without the process: it checks the packages that args
// name, writes findings to stdout and errors to stderr, and returns the exit
// status.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("neverawaited", flag.ContinueOnError)
	flags.SetOutput(stderr)
	tests := flags.Bool("test", false, "also check test files")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: neverawaited [-test] [packages]")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitClean
		}
		return exitError
	}
	patterns := flags.Args()
	if len(patterns) == 0 {
		patterns = []string{"."}
	}

	findings, err := check(patterns, *tests)
	if err != nil {
		fmt.Fprintf(stderr, "neverawaited: %v\n", err)
		return exitError
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "neverawaited: %v\n", err)
		return exitError
	}
	for i := range findings {
		findings[i].pos.Filename = relative(cwd, findings[i].pos.Filename)
	}
	findings = sortUnique(findings)
	for _, f := range findings {
		fmt.Fprintln(stdout, f)
	}
	if len(findings) > 0 {
		return exitFound
	}
	return exitClean
}

// check loads the packages that patterns match and returns what they
// discard, in no particular order.
func check(patterns []string, tests bool) ([]finding, error) {
	pkgs, err := load(patterns, tests)
	if err != nil {
		return nil, err
	}
	var findings []finding
	for _, p := range pkgs {
		findings = append(findings, inspect(p)...)
	}
	return findings, nil
}

// relative returns filename relative to dir when it lies inside dir, and
// filename unchanged otherwise.
func relative(dir, filename string) string {
	rel, err := filepath.Rel(dir, filename)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filename
	}
	return rel
}

// sortUnique sorts findings by position and then message, and drops
// duplicates: with -test a file can be checked in more than one package.
func sortUnique(findings []finding) []finding {
	slices.SortFunc(findings, func(a, b finding) int {
		return cmp.Or(
			cmp.Compare(a.pos.Filename, b.pos.Filename),
			cmp.Compare(a.pos.Line, b.pos.Line),
			cmp.Compare(a.pos.Column, b.pos.Column),
			cmp.Compare(a.msg, b.msg),
		)
	})
	return slices.CompactFunc(findings, func(a, b finding) bool {
		return a.pos == b.pos && a.msg == b.msg
	})
}
