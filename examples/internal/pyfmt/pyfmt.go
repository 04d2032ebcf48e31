// Package pyfmt formats Go values the way Python's repr prints them, so that
// the examples' output can match the chapter's byte for byte.
package pyfmt

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/goasyncio/asyncio/future"
)

// Str returns s as Python's repr prints a str: in single quotes, with
// backslashes and single quotes escaped. It covers the printable strings the
// examples use, not every escape Python knows.
func Str(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

// Bytes returns b as Python's repr prints a bytes value: b'...', with
// tab, newline, carriage return, backslash and the quote escaped, other
// bytes outside printable ASCII as \xNN, and double quotes instead when b
// holds a single quote but no double quote, as Python chooses.
func Bytes(b []byte) string {
	quote := byte('\'')
	if bytes.IndexByte(b, '\'') >= 0 && bytes.IndexByte(b, '"') < 0 {
		quote = '"'
	}
	var s strings.Builder
	s.WriteString("b")
	s.WriteByte(quote)
	for _, c := range b {
		switch {
		case c == '\\' || c == quote:
			s.WriteByte('\\')
			s.WriteByte(c)
		case c == '\t':
			s.WriteString(`\t`)
		case c == '\n':
			s.WriteString(`\n`)
		case c == '\r':
			s.WriteString(`\r`)
		case c < ' ' || c > '~':
			fmt.Fprintf(&s, `\x%02x`, c)
		default:
			s.WriteByte(c)
		}
	}
	s.WriteByte(quote)
	return s.String()
}

// Bool returns b as Python prints a bool: True or False.
func Bool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// List returns xs as Python's repr prints a list: strings quoted as Str
// does, other values as fmt's %v prints them, comma-separated in brackets.
func List[T any](xs []T) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		if s, ok := any(x).(string); ok {
			b.WriteString(Str(s))
		} else {
			fmt.Fprint(&b, x)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// Task returns the repr Python prints for the task running the coroutine
// named name, less the "running at file:line" part. cancelling says whether
// a cancellation was requested: a task that has not yet seen it is still
// pending, which Python shows as "cancelling". A finished task's result is
// formatted as List formats an element.
func Task[T any](name string, task *future.Future[T], cancelling bool) string {
	if !task.IsDone() {
		state := "pending"
		if cancelling {
			state = "cancelling"
		}
		return fmt.Sprintf("<Task %s coro=<%s()>>", state, name)
	}
	result, err := task.Result()
	switch {
	case task.Cancelled():
		return fmt.Sprintf("<Task cancelled coro=<%s()>>", name)
	case err != nil:
		return fmt.Sprintf("<Task finished coro=<%s()> exception=%v>", name, err)
	}
	elem := List([]T{result})
	return fmt.Sprintf("<Task finished coro=<%s()> result=%s>", name, elem[1:len(elem)-1])
}
