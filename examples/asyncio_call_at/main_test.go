package main

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/loop"
)

// The output of asyncio_call_at.py as the chapter shows it, with each
// clock reading replaced by NUM. The chapter's run printed:
//
//	clock time: 1521404411.833459
//	loop  time: 715855.398664185
//	callback 3 invoked at 715855.398744743
//	callback 2 invoked at 715855.503897727
//	callback 1 invoked at 715855.601119414
const want = `entering event loop
clock time: NUM
loop  time: NUM
registering callbacks
callback 3 invoked at NUM
callback 2 invoked at NUM
callback 1 invoked at NUM
closing event loop
`

// number matches a float as Python prints one: digits with a fraction, or
// an exponent for very small and very large magnitudes.
const number = `(\d+(?:\.\d+)?(?:e[-+]\d{2,})?)`

// shape matches want with a number where want has NUM, byte for byte
// everywhere else.
var shape = regexp.MustCompile(`^` + strings.ReplaceAll(regexp.QuoteMeta(want), "NUM", number) + `$`)

// readings is what one run printed, in seconds: the wall clock, the
// loop's clock before registering, and the loop's clock in callbacks 3, 2
// and 1.
type readings struct {
	clock, loop   float64
	cb3, cb2, cb1 float64
}

// parse checks out against want and returns its readings. Each must be in
// the shortest form that reads back as the same float, as Python prints.
func parse(t *testing.T, out string) readings {
	t.Helper()
	m := shape.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output differs in shape\n got:\n%s\nwant (NUM a number):\n%s", out, want)
	}
	var f [5]float64
	for i, s := range m[1:] {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("reading %q: %v", s, err)
		}
		if p := pyFloat(v); p != s {
			t.Errorf("reading %q is not as Python prints %v: %q", s, v, p)
		}
		f[i] = v
	}
	return readings{clock: f[0], loop: f[1], cb3: f[2], cb2: f[3], cb1: f[4]}
}

// nanos turns a reading back into the whole nanoseconds it was made from:
// the readings are far below 2^53 ns, so a float64 holds them exactly
// enough to round back.
func nanos(seconds float64) int64 { return int64(math.Round(seconds * 1e9)) }

// runOn runs the program on the named engine and returns its output and
// the wall clock just before and after, in Unix seconds.
func runOn(t *testing.T, name string, opts ...loop.Option) (out string, before, after float64) {
	t.Helper()
	var buf bytes.Buffer
	before = float64(time.Now().UnixNano()) / 1e9
	if err := run(&buf, name, opts...); err != nil {
		t.Fatalf("program failed: %v", err)
	}
	after = float64(time.Now().UnixNano()) / 1e9
	return buf.String(), before, after
}

// checkClocks checks that the clock time line reads the wall clock and
// the loop time line does not.
func checkClocks(t *testing.T, r readings, before, after float64) {
	t.Helper()
	if r.clock < before || r.clock > after {
		t.Errorf("clock time %v is not the wall clock, which read %v to %v", r.clock, before, after)
	}
	if r.loop == r.clock {
		t.Errorf("loop time %v equals clock time", r.loop)
	}
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// On virtual time every reading is exact: the clock stands still while the
// main task and callback 3 run, and each timer fires at its deadline to
// the nanosecond.
func TestOutputMatchesPython(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			out, before, after := runOn(t, name, loop.WithVirtualTime())
			r := parse(t, out)
			checkClocks(t, r, before, after)
			now := nanos(r.loop)
			for _, c := range []struct {
				n     int
				at    float64
				after time.Duration
			}{{3, r.cb3, 0}, {2, r.cb2, 100 * time.Millisecond}, {1, r.cb1, 200 * time.Millisecond}} {
				if got := time.Duration(nanos(c.at) - now); got != c.after {
					t.Errorf("callback %d ran %v after loop time, want %v", c.n, got, c.after)
				}
			}
		})
	}
}

// On the loop's real clock the readings depend on the machine, but no
// timer fires before its deadline.
func TestCallbacksRunNoEarlierThanTheirDeadlines(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			out, before, after := runOn(t, name)
			r := parse(t, out)
			checkClocks(t, r, before, after)
			now := nanos(r.loop)
			if got := time.Duration(nanos(r.cb3) - now); got < 0 {
				t.Errorf("callback 3 ran %v before loop time", -got)
			}
			if got := time.Duration(nanos(r.cb2) - now); got < 100*time.Millisecond {
				t.Errorf("callback 2 ran %v after loop time, before its deadline", got)
			}
			if got := time.Duration(nanos(r.cb1) - now); got < 200*time.Millisecond {
				t.Errorf("callback 1 ran %v after loop time, before its deadline", got)
			}
		})
	}
}

func TestFloatsPrintAsPython(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string // Python's repr of f
	}{
		{1521404411.833459, "1521404411.833459"},
		{715855.398664185, "715855.398664185"},
		{0.1, "0.1"},
		{2, "2.0"},
		{0, "0.0"},
		{0.0001, "0.0001"},
		{4.1e-05, "4.1e-05"},
		{1e16, "1e+16"},
	} {
		if got := pyFloat(c.f); got != c.want {
			t.Errorf("pyFloat(%v) = %q, want %q", c.f, got, c.want)
		}
	}
}
