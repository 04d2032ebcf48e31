package main

import (
	"bytes"
	"fmt"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fixtures live under testdata/src, which ./... skips but go list
// accepts when named explicitly; they import the real future package.
const (
	badPkg       = "./testdata/src/bad"
	goodPkg      = "./testdata/src/good"
	withTestsPkg = "./testdata/src/withtests"
	typeErrPkg   = "./testdata/src/typeerr"
)

// Message texts, spelled out here rather than built from the command's own
// constants, so that a change to the wording shows up in the tests.
const (
	discarded = "coroutine returned by %s is discarded: it never runs (await it, or hand it to a loop)"
	inGo      = "go statement discards the coroutine returned by %s: it never runs (await it, or hand it to a loop)"
	inDefer   = "defer statement discards the coroutine returned by %s: it never runs (await it, or hand it to a loop)"
	received  = "coroutine received from %s is discarded: it never runs (await it, or hand it to a loop)"
)

// result is what one run of the command printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// runCommand runs the command in-process with args.
func runCommand(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// at formats one expected finding in fixture file, relative to testdata/src.
func at(file string, line, col int, format, name string) string {
	path := filepath.Join("testdata", "src", filepath.FromSlash(file))
	return fmt.Sprintf("%s:%d:%d: %s", path, line, col, fmt.Sprintf(format, name))
}

// lines splits output into its lines, and gives none for no output.
func lines(output string) []string {
	if output == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(output, "\n"), "\n")
}

func TestBadReportsEachDiscard(t *testing.T) {
	t.Parallel()
	got := runCommand(t, badPkg)

	want := []string{
		at("bad/bad.go", 37, 2, discarded, "phase1"),
		at("bad/bad.go", 38, 2, discarded, "phase1"),
		at("bad/bad.go", 39, 2, discarded, "withErr"),
		at("bad/bad.go", 40, 2, discarded, "value"),
		at("bad/bad.go", 41, 2, discarded, "value[int]"),
		at("bad/bad.go", 42, 2, discarded, "job"),
		at("bad/bad.go", 43, 2, discarded, "co"),
		at("bad/bad.go", 44, 2, discarded, "s.next"),
		at("bad/bad.go", 45, 2, discarded, "mk"),
		at("bad/bad.go", 46, 2, discarded, "a func literal"),
		at("bad/bad.go", 47, 2, inGo, "phase1"),
		at("bad/bad.go", 48, 2, inDefer, "phase1"),
		at("bad/bad.go", 49, 2, inGo, "s.next"),
		at("bad/bad.go", 50, 2, inDefer, "withErr"),
		at("bad/bad.go", 51, 2, received, "s.ch"),
		at("bad/bad.go", 53, 7, received, "s.ch"),
		at("bad/bad.go", 56, 5, discarded, "phase1"),
	}
	require.Equal(t, want, lines(got.stdout))
	require.Empty(t, got.stderr)
	require.Equal(t, exitFound, got.code)
}

func TestGoodReportsNothing(t *testing.T) {
	t.Parallel()
	got := runCommand(t, "-test", goodPkg)

	require.Empty(t, got.stdout)
	require.Empty(t, got.stderr)
	require.Equal(t, exitClean, got.code)
}

func TestTestFilesOnlyWithTestFlag(t *testing.T) {
	t.Parallel()
	inPackage := at("withtests/withtests.go", 17, 2, discarded, "Make")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{
			name: "without -test",
			args: []string{withTestsPkg},
			want: []string{inPackage},
		},
		{
			// withtests.go is in both the package and its test variant; it
			// is still reported once.
			name: "with -test",
			args: []string{"-test", withTestsPkg},
			want: []string{
				at("withtests/external_test.go", 10, 2, inDefer, "withtests.Make"),
				at("withtests/internal_test.go", 7, 2, discarded, "Make"),
				inPackage,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCommand(t, tt.args...)

			require.Equal(t, tt.want, lines(got.stdout))
			require.Empty(t, got.stderr)
			require.Equal(t, exitFound, got.code)
		})
	}
}

func TestTypeErrorExitsTwo(t *testing.T) {
	t.Parallel()
	got := runCommand(t, typeErrPkg, goodPkg)

	require.Empty(t, got.stdout)
	require.Contains(t, got.stderr, "typeerr.go:4:13: cannot use")
	require.Equal(t, exitError, got.code)
}

func TestBadFlagExitsTwo(t *testing.T) {
	t.Parallel()
	got := runCommand(t, "-nosuchflag", goodPkg)

	require.Empty(t, got.stdout)
	require.Contains(t, got.stderr, "usage: neverawaited")
	require.Equal(t, exitError, got.code)
}

func TestTypeCheckReportsTypeErrors(t *testing.T) {
	t.Parallel()
	p := &listedPackage{
		ImportPath: "example.com/typeerr",
		Name:       "typeerr",
		Dir:        filepath.Join("testdata", "src", "typeerr"),
		GoFiles:    []string{"typeerr.go"},
	}

	_, err := typeCheck(token.NewFileSet(), p, nil)
	require.ErrorContains(t, err, "type-checking example.com/typeerr")
	require.ErrorContains(t, err, "typeerr.go:4:13: cannot use")
}

func TestTypeCheckNeedsExportData(t *testing.T) {
	t.Parallel()
	p := &listedPackage{
		ImportPath: "example.com/good",
		Name:       "good",
		Dir:        filepath.Join("testdata", "src", "good"),
		GoFiles:    []string{"good.go"},
	}

	_, err := typeCheck(token.NewFileSet(), p, map[string]*listedPackage{})
	require.ErrorContains(t, err, "no export data for context")
}

func TestTargets(t *testing.T) {
	t.Parallel()
	listed := []*listedPackage{
		{ImportPath: "fmt", DepOnly: true},
		{ImportPath: "m/a"}, // replaced by its test variant
		{ImportPath: "m/b"}, // no in-package tests: kept
		{ImportPath: "m/c"}, // no tests at all
		{ImportPath: "m/a [m/a.test]", ForTest: "m/a"},
		{ImportPath: "m/b [m/a.test]", ForTest: "m/a", DepOnly: true},
		{ImportPath: "m/a_test [m/a.test]", ForTest: "m/a"},
		{ImportPath: "m/a.test", Name: "main"},
		{ImportPath: "m/b_test [m/b.test]", ForTest: "m/b"},
		{ImportPath: "m/b.test", Name: "main"},
	}

	var got []string
	for _, p := range targets(listed) {
		got = append(got, p.ImportPath)
	}
	require.Equal(t, []string{"m/b", "m/c", "m/a [m/a.test]", "m/a_test [m/a.test]", "m/b_test [m/b.test]"}, got)
}
