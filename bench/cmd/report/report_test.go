package main

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a test leaves a goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestParseLine(t *testing.T) {
	t.Run("a Go line loses its GOMAXPROCS suffix and keeps every unit", func(t *testing.T) {
		r, ok := parseLine("BenchmarkTaskScaling/Loop/pool/N=10000-2   \t  100\t  20021234 ns/op\t  2002 ns/task\t 120 B/op\t 3 allocs/op")
		if !ok {
			t.Fatal("not parsed")
		}
		if r.Name != "BenchmarkTaskScaling/Loop/pool/N=10000" || r.Iters != 100 {
			t.Fatalf("got %q, %d", r.Name, r.Iters)
		}
		if r.Values["ns/task"] != 2002 || r.Values["allocs/op"] != 3 || len(r.Values) != 4 {
			t.Fatalf("values %v", r.Values)
		}
	})
	t.Run("a Python line without a suffix is read the same way", func(t *testing.T) {
		r, ok := parseLine("BenchmarkPython/sleep0\t8491\t10469.99 ns/op")
		if !ok || r.Name != "BenchmarkPython/sleep0" || r.Values["ns/op"] != 10469.99 {
			t.Fatalf("got %+v, %v", r, ok)
		}
	})
	t.Run("headers and summaries are not results", func(t *testing.T) {
		for _, l := range []string{"goos: linux", "PASS", "ok  \tpkg\t1.2s", "BenchmarkX", "BenchmarkX-2 12 abc ns/op", "python: 3.11.7"} {
			if _, ok := parseLine(l); ok {
				t.Errorf("%q parsed as a result", l)
			}
		}
	})
}

func TestMedianOfRounds(t *testing.T) {
	s, err := parse(strings.NewReader("BenchmarkA-2 1 30 ns/op\nBenchmarkA-2 1 10 ns/op\nBenchmarkA-2 1 20 ns/op\nBenchmarkB 1 1 ns/op\nBenchmarkB 1 4 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := s.median("BenchmarkA", "ns/op"); m != 20 {
		t.Errorf("median of three: %v, want 20", m)
	}
	if m, _ := s.median("BenchmarkB", "ns/op"); m != 2.5 {
		t.Errorf("median of two: %v, want 2.5", m)
	}
	if _, ok := s.median("BenchmarkA", "B/op"); ok {
		t.Error("a unit never reported has a median")
	}
}

// writeRecorded writes the report of testdata/quick.txt, plus extra lines,
// into a temporary directory and returns it with the Markdown.
func writeRecorded(t *testing.T, extra string) (string, string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "quick.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	md, err := writeReport(io.MultiReader(f, strings.NewReader(extra)), dir, "Machine: test")
	if err != nil {
		t.Fatal(err)
	}
	return dir, md
}

func TestReportOfRecordedOutput(t *testing.T) {
	dir, md := writeRecorded(t, "")
	t.Run("the table has every workload's rows with ratios to the floor", func(t *testing.T) {
		for _, want := range []string{
			"Machine: test",
			"| 1 | future create, resolve, read | **FutureCreateResolveRead/Future** |",
			"FutureCreateResolveRead/chan (floor) |",
			"| 4 | suspend/resume on one thread | Python/sleep0 |",
			"| 8b | call-soon from another goroutine | CallbackChannel/chanOfFuncs |",
			"TaskScaling/goroutines/N=1000000 (floor) |",
			"| (1) Future at most 1.2x the channel |",
			"n/a: row missing in this run",
		} {
			if !strings.Contains(md, want) {
				t.Errorf("table lacks %q", want)
			}
		}
		if strings.Contains(md, "**Python") {
			t.Error("a Python row is marked as this library's")
		}
	})
	t.Run("the floor row has a ratio of one", func(t *testing.T) {
		for line := range strings.Lines(md) {
			if strings.Contains(line, "(floor)") && !strings.Contains(line, "| 1.00x |") {
				t.Errorf("floor row without 1.00x: %s", line)
			}
		}
	})
	t.Run("every file is written and table.md is the Markdown returned", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, "table.md"))
		if err != nil || string(b) != md {
			t.Fatalf("table.md: %v", err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, "raw.txt"))
		if err != nil || !strings.Contains(string(raw), "BenchmarkPython/gather/N=10000") {
			t.Fatalf("raw.txt lacks the input: %v", err)
		}
	})
	t.Run("the JSON holds the rows, targets and samples", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, "results.json"))
		if err != nil {
			t.Fatal(err)
		}
		var rep jsonReport
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Machine != "Machine: test" || len(rep.Rows) < 30 || len(rep.Targets) != len(targets) {
			t.Fatalf("machine %q, %d rows, %d targets", rep.Machine, len(rep.Rows), len(rep.Targets))
		}
		if len(rep.Samples["BenchmarkAwait/plainCall"]["ns/op"]) != 1 {
			t.Errorf("samples: %v", rep.Samples["BenchmarkAwait/plainCall"])
		}
	})
	t.Run("both charts are well-formed SVG naming their rows", func(t *testing.T) {
		for file, want := range map[string]string{
			"ratios.svg":  "chanOfFuncs",
			"scaling.svg": "TaskScaling/Loop/pool",
		} {
			b, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			if err := wellFormed(b); err != nil {
				t.Errorf("%s: %v", file, err)
			}
			if !strings.HasPrefix(string(b), "<svg") || !strings.Contains(string(b), want) {
				t.Errorf("%s lacks %q", file, want)
			}
		}
	})
}

func TestGatherRowsJoinWorkloadThree(t *testing.T) {
	extra := "BenchmarkGather/Loop/pool/N=10000-2 10 9000000 ns/op 900 ns/task\n" +
		"BenchmarkGather/errgroup/N=10000-2 10 10000000 ns/op 1000 ns/task\n" +
		"BenchmarkGather/errgroup/noLimit/N=10000-2 10 4000000 ns/op 400 ns/task\n" +
		"BenchmarkGather/goroutinesWaitGroup/N=10000-2 10 8000000 ns/op 800 ns/task\n"
	dir, md := writeRecorded(t, extra)
	for _, want := range []string{
		"| 3 | gather 10,000 tasks | **Gather/Loop/pool/N=10000** | 900.0 | ns/task | – | 1.12x | 2.25x |",
		"Gather/goroutinesWaitGroup/N=10000 (floor) |",
		"| (3) Gather on the pool at or below errgroup with SetLimit | 0.90x | yes |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "scaling.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "Gather/Loop/pool") {
		t.Error("the scaling chart lacks the Gather series")
	}
}

// wellFormed reports whether b parses as XML.
func wellFormed(b []byte) error {
	d := xml.NewDecoder(strings.NewReader(string(b)))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestEchoRowsAndTargets(t *testing.T) {
	// Lines as echoload and runEchoIdle print them (plus the CPU the
	// report adds): each workload compares with Go net, and the targets
	// turn requests per second into times per request.
	const echo = `BenchmarkEcho/c10-1KiB/gonet	200000	12500.0 ns/req	70 p50-us	800 p99-us	12.00 cpu-us/req
BenchmarkEcho/c10-1KiB/single	100000	25000.0 ns/req	200 p50-us	900 p99-us	24.00 cpu-us/req
BenchmarkEcho/c10-1KiB/pool	180000	13000.0 ns/req	110 p50-us	850 p99-us	14.00 cpu-us/req
BenchmarkEcho/c10-1KiB/uvloop-protocol	170000	14000.0 ns/req	150 p50-us	400 p99-us	10.00 cpu-us/req
BenchmarkEcho/c1-1KiB/gonet	80000	37500.0 ns/req	25 p50-us	70 p99-us	20.00 cpu-us/req
BenchmarkEcho/c1-1KiB/pool	50000	60000.0 ns/req	36 p50-us	130 p99-us	45.00 cpu-us/req
BenchmarkEcho/c10-1KiB-normalsched/gonet	200000	12000.0 ns/req	70 p50-us	800 p99-us	12.00 cpu-us/req
BenchmarkEcho/c10-1KiB-normalsched/single	100000	15000.0 ns/req	200 p50-us	900 p99-us	11.00 cpu-us/req
BenchmarkEchoIdle/gonet	10000	7300 B/conn
BenchmarkEchoIdle/single	10000	16000 B/conn
`
	_, md := writeRecorded(t, echo)
	for _, want := range []string{
		"| 10a | echo, 10 connections, 1 KiB: wall time per request | Echo/c10-1KiB/gonet (floor) | 12500 | ns/req |",
		"| 10a | echo, 10 connections, 1 KiB: wall time per request | **Echo/c10-1KiB/single** | 25000 | ns/req | – | 2.00x |",
		"| 10b | echo, 10 connections, 1 KiB: server CPU per request | **Echo/c10-1KiB/pool** | 14.0 | cpu-us/req | – | 1.17x |",
		"| 10m | memory per idle connection | **EchoIdle/single** | 16000 | B/conn | – | 2.19x |",
		"| (io) pool streams at least 0.9x Go net (10 conns, 1 KiB) | 1.04x | yes |",
		"| (io) single-thread streams at least uvloop's protocol (10 conns, 1 KiB) | 1.79x | no |",
		// The normal-policy load is a workload of its own, with its own
		// floor, and its targets do not take the batch load's rows.
		"| 10g | echo, 10 connections, 1 KiB, load at the normal policy: wall time per request | **Echo/c10-1KiB-normalsched/single** | 15000 | ns/req | – | 1.25x |",
		"| (io) as above, load at the normal policy: single-thread at least 0.9x Go net | 1.25x | no |",
		"| (io) as above, load at the normal policy: pool at least 0.9x Go net | – | n/a: row missing in this run |",
		"| (io) pool 1-connection p50 at most 1.5x Go net | 1.44x | yes |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

func TestRotatedPutsEachServerFirstOnce(t *testing.T) {
	servers := []echoServer{{name: "a"}, {name: "b"}, {name: "c"}}
	var firsts []string
	for k := range 4 {
		r := rotated(servers, k)
		seen := map[string]bool{}
		for _, s := range r {
			seen[s.name] = true
		}
		if len(r) != 3 || len(seen) != 3 {
			t.Fatalf("rotated(servers, %d) = %v: want each server once", k, r)
		}
		firsts = append(firsts, r[0].name)
	}
	if got := strings.Join(firsts, ""); got != "abca" {
		t.Errorf("first servers over 4 rounds: %q, want %q", got, "abca")
	}
	if servers[0].name != "a" {
		t.Errorf("the caller's slice was changed: %v", servers)
	}
	if r := rotated(nil, 2); r != nil {
		t.Errorf("rotated(nil) = %v", r)
	}
}
