package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// listFields are the fields of go list's JSON output that load reads.
const listFields = "ImportPath,Name,Dir,GoFiles,CompiledGoFiles,Export,ImportMap,DepOnly,ForTest,Module,Error"

// listedPackage is one package as go list -json describes it.
type listedPackage struct {
	ImportPath      string            // unique key; "p [p.test]" for test variants
	Name            string            // package name
	Dir             string            // directory holding the sources
	GoFiles         []string          // source files, relative to Dir
	CompiledGoFiles []string          // files handed to the compiler, after cgo
	Export          string            // export data file
	ImportMap       map[string]string // import path in source to ImportPath
	DepOnly         bool              // only a dependency, not matched
	ForTest         string            // package whose test this variant is built for
	Module          *struct{ GoVersion string }
	Error           *struct{ Err string }
}

// checkedPackage is a parsed and type-checked package.
type checkedPackage struct {
	fset  *token.FileSet
	files []*ast.File
	info  *types.Info
}

// load runs go list on patterns and parses and type-checks the packages
// they match; with tests, their test variants instead, and their external
// test packages too.
func load(patterns []string, tests bool) ([]*checkedPackage, error) {
	listed, err := goList(patterns, tests)
	if err != nil {
		return nil, err
	}
	var errs []error
	byPath := make(map[string]*listedPackage, len(listed))
	for _, p := range listed {
		byPath[p.ImportPath] = p
		if p.Error != nil {
			// A build failure repeats the import path as a "# p" header.
			msg := strings.TrimPrefix(p.Error.Err, "# "+p.ImportPath+"\n")
			errs = append(errs, fmt.Errorf("package %s: %s", p.ImportPath, strings.TrimSpace(msg)))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	fset := token.NewFileSet()
	var pkgs []*checkedPackage
	for _, p := range targets(listed) {
		c, err := typeCheck(fset, p, byPath)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		pkgs = append(pkgs, c)
	}
	return pkgs, errors.Join(errs...)
}

// goList runs go list on patterns, with the dependencies and their export
// data, and decodes the stream of JSON objects it prints.
func goList(patterns []string, tests bool) ([]*listedPackage, error) {
	args := []string{"list", "-e", "-json=" + listFields, "-export", "-compiled", "-deps"}
	if tests {
		args = append(args, "-test")
	}
	args = append(args, "--")
	args = append(args, patterns...)

	var stdout, stderr bytes.Buffer
	cmd := exec.Command("go", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go list: %w\n%s", err, bytes.TrimSpace(stderr.Bytes()))
	}

	var pkgs []*listedPackage
	dec := json.NewDecoder(&stdout)
	for {
		p := new(listedPackage)
		err := dec.Decode(p)
		if errors.Is(err, io.EOF) {
			return pkgs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("decoding go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
}

// targets picks from listed the packages to check: those the patterns
// matched, less the generated test mains, and less each package that has an
// in-package test variant, since the variant holds all the same files.
func targets(listed []*listedPackage) []*listedPackage {
	hasVariant := make(map[string]bool) // "p" whose "p [p.test]" is listed
	tested := make(map[string]bool)     // "p" whose "p.test" main is listed
	for _, p := range listed {
		if p.ForTest == "" {
			continue
		}
		tested[p.ForTest] = true
		if p.ImportPath == p.ForTest+" ["+p.ForTest+".test]" {
			hasVariant[p.ForTest] = true
		}
	}
	var out []*listedPackage
	for _, p := range listed {
		base, dotTest := strings.CutSuffix(p.ImportPath, ".test")
		switch {
		case p.DepOnly:
		case p.ForTest == "" && hasVariant[p.ImportPath]:
		case p.ForTest == "" && dotTest && p.Name == "main" && tested[base]:
		default:
			out = append(out, p)
		}
	}
	return out
}

// typeCheck parses p's files and type-checks them against the export data
// of its dependencies, which byPath holds by ImportPath.
func typeCheck(fset *token.FileSet, p *listedPackage, byPath map[string]*listedPackage) (*checkedPackage, error) {
	names := p.CompiledGoFiles
	if len(names) == 0 {
		names = p.GoFiles
	}
	var files []*ast.File
	for _, name := range names {
		if !filepath.IsAbs(name) {
			name = filepath.Join(p.Dir, name)
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", p.ImportPath, err)
		}
		files = append(files, f)
	}

	// The export data of a dependency is found through p's own ImportMap,
	// which sends a test's imports to the matching test variants.
	lookup := func(path string) (io.ReadCloser, error) {
		if mapped, ok := p.ImportMap[path]; ok {
			path = mapped
		}
		dep, ok := byPath[path]
		if !ok || dep.Export == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(dep.Export)
	}
	var typeErrs []error
	conf := types.Config{
		Importer: importer.ForCompiler(fset, "gc", lookup),
		Sizes:    types.SizesFor("gc", build.Default.GOARCH),
		Error:    func(err error) { typeErrs = append(typeErrs, err) },
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	info := &types.Info{Types: make(map[ast.Expr]types.TypeAndValue)}
	// A test variant "p [p.test]" is still package p to its own code.
	path, _, _ := strings.Cut(p.ImportPath, " [")
	_, _ = conf.Check(path, fset, files, info) // every error went to conf.Error
	if len(typeErrs) > 0 {
		return nil, fmt.Errorf("type-checking %s: %w", p.ImportPath, errors.Join(typeErrs...))
	}
	return &checkedPackage{fset: fset, files: files, info: info}, nil
}
