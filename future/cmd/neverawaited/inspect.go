package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

// futurePath is the import path of the package that defines Coroutine.
const futurePath = "github.com/goasyncio/asyncio/future"

// advice ends every message: what to do instead of dropping the coroutine.
const advice = "it never runs (await it, or hand it to a loop)"

// finding is one discarded coroutine.
type finding struct {
	pos token.Position
	msg string
}

// String formats f as file:line:col: message.
func (f finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", f.pos.Filename, f.pos.Line, f.pos.Column, f.msg)
}

// inspect returns the statements of p that discard a coroutine.
func inspect(p *checkedPackage) []finding {
	var findings []finding
	report := func(n ast.Node, format string, args ...any) {
		findings = append(findings, finding{
			pos: p.fset.Position(n.Pos()),
			msg: fmt.Sprintf(format, args...) + ": " + advice,
		})
	}
	for _, file := range p.files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ExprStmt:
				switch x := ast.Unparen(n.X).(type) {
				case *ast.CallExpr:
					if returnsCoroutine(p.info, x) {
						report(n, "coroutine returned by %s is discarded", callee(x))
					}
				case *ast.UnaryExpr:
					if x.Op == token.ARROW && isCoroutine(p.info.TypeOf(x)) {
						report(n, "coroutine received from %s is discarded", types.ExprString(x.X))
					}
				}
			case *ast.GoStmt:
				if returnsCoroutine(p.info, n.Call) {
					report(n, "go statement discards the coroutine returned by %s", callee(n.Call))
				}
			case *ast.DeferStmt:
				if returnsCoroutine(p.info, n.Call) {
					report(n, "defer statement discards the coroutine returned by %s", callee(n.Call))
				}
			}
			return true
		})
	}
	return findings
}

// returnsCoroutine reports whether call's result, or one of its results, is
// a coroutine.
func returnsCoroutine(info *types.Info, call *ast.CallExpr) bool {
	t := info.TypeOf(call)
	if tuple, ok := t.(*types.Tuple); ok {
		for v := range tuple.Variables() {
			if isCoroutine(v.Type()) {
				return true
			}
		}
		return false
	}
	return isCoroutine(t)
}

// isCoroutine reports whether t is an instance of future.Coroutine, named
// directly or through an alias.
func isCoroutine(t types.Type) bool {
	named, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := named.Obj() // the generic type's own name, for an instance
	return obj.Name() == "Coroutine" && obj.Pkg() != nil && obj.Pkg().Path() == futurePath
}

// callee names the function that call calls, for a message.
func callee(call *ast.CallExpr) string {
	if _, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		return "a func literal"
	}
	return types.ExprString(call.Fun)
}
