package pyfmt_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/future"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRepr(t *testing.T) {
	cases := []struct{ name, got, want string }{
		{"a list of strings is quoted", pyfmt.List([]string{"a", "b c"}), "['a', 'b c']"},
		{"a list of ints is bare", pyfmt.List([]int{4, 0, 1}), "[4, 0, 1]"},
		{"an empty list is brackets", pyfmt.List([]int(nil)), "[]"},
		{"quotes and backslashes are escaped", pyfmt.Str(`it's \`), `'it\'s \\'`},
		{"bytes are b-quoted", pyfmt.Bytes([]byte("in parts.")), "b'in parts.'"},
		{"bytes escape controls and high bytes", pyfmt.Bytes([]byte("a\x00\n\t\r\xff\\")), `b'a\x00\n\t\r\xff\\'`},
		{"bytes with a single quote use double quotes", pyfmt.Bytes([]byte("it's")), `b"it's"`},
		{"bytes with both quotes escape the single", pyfmt.Bytes([]byte(`it's "x"`)), `b'it\'s "x"'`},
		{"true is capitalized", pyfmt.Bool(true), "True"},
		{"false is capitalized", pyfmt.Bool(false), "False"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %s, want %s", c.got, c.want)
			}
		})
	}
}

func TestTask(t *testing.T) {
	pending := future.NewPromise[string]()
	done := future.NewPromise[string]()
	_ = done.Resolve("the result")
	cancelled := future.NewPromise[string]()
	_ = cancelled.Cancel(nil)
	for _, c := range []struct{ got, want string }{
		{pyfmt.Task("f", pending.Future(), false), "<Task pending coro=<f()>>"},
		{pyfmt.Task("f", pending.Future(), true), "<Task cancelling coro=<f()>>"},
		{pyfmt.Task("f", done.Future(), false), "<Task finished coro=<f()> result='the result'>"},
		{pyfmt.Task("f", cancelled.Future(), true), "<Task cancelled coro=<f()>>"},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}
