package main

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
)

// workload is one line of the workload table: which benchmark rows
// belong to it, which of them is the floor, and which are this library's.
type workload struct {
	ID, Title string
	Match     *regexp.Regexp // full row names (Go and Python) in this workload
	Floor     *regexp.Regexp // the floor row: the first matching row
	Ours      *regexp.Regexp // this library's rows, matched against the name after "BenchmarkX/"
	Units     []string       // the unit compared: the first one every row has
}

// workloads defines, per workload, the rows and the floor the report
// compares them with. Rows that do not exist in a run are left out, so
// BenchmarkGather (workload 3) shows up whatever its sub-names are.
var workloads = []workload{
	{"1", "future create, resolve, read", regexp.MustCompile(`^Benchmark(FutureCreateResolveRead/|Python/futureCreateResolveRead$)`),
		regexp.MustCompile(`/chan$`), regexp.MustCompile(`^Future$`), []string{"ns/op"}},
	{"2", "future resolved by another goroutine", regexp.MustCompile(`^Benchmark(FutureResolvedElsewhere/|Python/futureResolvedElsewhere$)`),
		regexp.MustCompile(`/goChan$`), regexp.MustCompile(`^Future$`), []string{"ns/op"}},
	{"3", "gather 10,000 tasks", regexp.MustCompile(`^Benchmark(Gather/|Python/gather/)`),
		regexp.MustCompile(`(?i)^BenchmarkGather/.*(waitgroup|goroutines)`), regexp.MustCompile(`(?i)(^|/)(loop|gather|single|pool)(/|$)`), []string{"ns/task", "ns/op"}},
	{"4", "suspend/resume on one thread", regexp.MustCompile(`^Benchmark(SuspendResume/|Python/sleep0$)`),
		regexp.MustCompile(`/iterPull/locked$`), regexp.MustCompile(`^Loop/`), []string{"ns/op"}},
	{"5", "create a coroutine, run it", regexp.MustCompile(`^Benchmark(CoroutineCreateRun/|Python/createTask$)`),
		regexp.MustCompile(`/iterPull$`), regexp.MustCompile(`^Loop/`), []string{"ns/op"}},
	{"6", "await a returning coroutine", regexp.MustCompile(`^Benchmark(Await/|Python/awaitCoroutine$)`),
		regexp.MustCompile(`/plainCall$`), regexp.MustCompile(`^(coroutineInline|completedFuture)$`), []string{"ns/op"}},
	{"7", "10,000 timers over 10 ms (p99 lateness)", regexp.MustCompile(`^Benchmark(TimerLateness/|Python/timers$)`),
		regexp.MustCompile(`/AfterFunc$`), regexp.MustCompile(`^Loop/`), []string{"p99-lateness-ms"}},
	{"8a", "call-soon, same thread", regexp.MustCompile(`^Benchmark(CallSoon/|Python/callSoon$)`),
		regexp.MustCompile(`/sliceQueue$`), regexp.MustCompile(`^Loop/`), []string{"ns/op"}},
	{"8b", "call-soon from another goroutine", regexp.MustCompile(`^Benchmark(CallSoonThreadsafe/|CallbackChannel/|Python/callSoonThreadsafe$)`),
		regexp.MustCompile(`/mutexSlice$`), regexp.MustCompile(`^Loop/`), []string{"ns/op"}},
	{"8c", "call-soon from 4 goroutines at once", regexp.MustCompile(`^BenchmarkCallSoonThreadsafeContended/`),
		regexp.MustCompile(`/mutexSlice$`), regexp.MustCompile(`^Loop/`), []string{"ns/op"}},
	{"8d", "call-soon from another goroutine, wait for the reply", regexp.MustCompile(`^Benchmark(CallSoonThreadsafeReply/|Python/callSoonThreadsafeReply$)`),
		regexp.MustCompile(`/chanOfFuncs$`), regexp.MustCompile(`^Loop/`), []string{"ns/op"}},
	{"9", "tasks at 10,000", regexp.MustCompile(`^BenchmarkTaskScaling/.*N=10000$`),
		regexp.MustCompile(`/goroutines/`), regexp.MustCompile(`^Loop/`), []string{"ns/task"}},
	{"9", "tasks at 1,000,000", regexp.MustCompile(`^BenchmarkTaskScaling/.*N=1000000$`),
		regexp.MustCompile(`/goroutines/`), regexp.MustCompile(`^Loop/`), []string{"ns/task"}},
	{"10a", "echo, 10 connections, 1 KiB: wall time per request", regexp.MustCompile(`^BenchmarkEcho/c10-1KiB/`),
		regexp.MustCompile(`/gonet$`), regexp.MustCompile(`/(single|pool)$`), []string{"ns/req"}},
	{"10b", "echo, 10 connections, 1 KiB: server CPU per request", regexp.MustCompile(`^BenchmarkEcho/c10-1KiB/`),
		regexp.MustCompile(`/gonet$`), regexp.MustCompile(`/(single|pool)$`), []string{"cpu-us/req"}},
	{"10c", "echo, 10 connections, 1 KiB: p99 latency", regexp.MustCompile(`^BenchmarkEcho/c10-1KiB/`),
		regexp.MustCompile(`/gonet$`), regexp.MustCompile(`/(single|pool)$`), []string{"p99-us"}},
	{"10d", "echo, 1 connection, 1 KiB: p50 latency", regexp.MustCompile(`^BenchmarkEcho/c1-1KiB/`),
		regexp.MustCompile(`/gonet$`), regexp.MustCompile(`/(single|pool)$`), []string{"p50-us"}},
	{"10e", "echo, 10 connections, 64 KiB: wall time per request", regexp.MustCompile(`^BenchmarkEcho/c10-64KiB/`),
		regexp.MustCompile(`/gonet$`), regexp.MustCompile(`/(single|pool)$`), []string{"ns/req"}},
	{"10f", "echo, 10 connections, 64 KiB: server CPU per request", regexp.MustCompile(`^BenchmarkEcho/c10-64KiB/`),
		regexp.MustCompile(`/gonet$`), regexp.MustCompile(`/(single|pool)$`), []string{"cpu-us/req"}},
	{"10g", "echo, 10 connections, 1 KiB, load at the normal policy: wall time per request", regexp.MustCompile(`^BenchmarkEcho/c10-1KiB-normalsched/`),
		regexp.MustCompile(`/gonet$`), regexp.MustCompile(`/(single|pool)$`), []string{"ns/req"}},
	{"10h", "echo, 10 connections, 1 KiB, load at the normal policy: server CPU per request", regexp.MustCompile(`^BenchmarkEcho/c10-1KiB-normalsched/`),
		regexp.MustCompile(`/gonet$`), regexp.MustCompile(`/(single|pool)$`), []string{"cpu-us/req"}},
	{"10m", "memory per idle connection", regexp.MustCompile(`^BenchmarkEchoIdle/`),
		regexp.MustCompile(`/gonet$`), regexp.MustCompile(`^(single|pool)$`), []string{"B/conn"}},
	{"9m", "memory per suspended coroutine", regexp.MustCompile(`^BenchmarkSuspendedMemory/`),
		regexp.MustCompile(`/goroutines$`), regexp.MustCompile(`^Loop/`), []string{"B/suspended"}},
}

// row is one line of the report's table.
type row struct {
	Workload string  `json:"workload"`
	Title    string  `json:"title"`
	Name     string  `json:"name"`
	Ours     bool    `json:"ours"`
	Floor    bool    `json:"floor"`
	Unit     string  `json:"unit"`
	Median   float64 `json:"median"`
	Allocs   float64 `json:"allocs_per_op"` // -1 when not reported
	VsFloor  float64 `json:"vs_floor"`      // 0 when there is no floor
	VsBest   float64 `json:"vs_best_alternative"`
}

// subName returns name without its top-level "BenchmarkX/" part.
func subName(name string) string {
	_, after, _ := strings.Cut(name, "/")
	return after
}

// buildRows groups the medians in s by workload and computes each row's
// ratios to the workload's floor and to its best (lowest) alternative,
// an alternative being any row that is not this library's.
func buildRows(s *samples) []row {
	var rows []row
	for _, w := range workloads {
		var names []string
		for _, n := range s.order {
			if w.Match.MatchString(n) {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			continue
		}
		unit := ""
		for _, u := range w.Units {
			all := true
			for _, n := range names {
				if _, ok := s.median(n, u); !ok {
					all = false
				}
			}
			if all {
				unit = u
				break
			}
		}
		if unit == "" {
			unit = "ns/op"
		}
		var floor float64
		floorName := ""
		for _, n := range names {
			if w.Floor.MatchString(n) {
				floor, _ = s.median(n, unit)
				floorName = n
				break
			}
		}
		start := len(rows)
		for _, n := range names {
			v, ok := s.median(n, unit)
			if !ok {
				continue
			}
			a, ok := s.median(n, "allocs/op")
			if !ok {
				a = -1
			}
			r := row{Workload: w.ID, Title: w.Title, Name: n, Unit: unit, Median: v, Allocs: a,
				Ours: !strings.HasPrefix(n, "BenchmarkPython/") && w.Ours.MatchString(subName(n)), Floor: n == floorName}
			if floor > 0 {
				r.VsFloor = v / floor
			}
			rows = append(rows, r)
		}
		for i := start; i < len(rows); i++ {
			best := math.Inf(1)
			for j := start; j < len(rows); j++ {
				if j != i && !rows[j].Ours && rows[j].Median < best {
					best = rows[j].Median
				}
			}
			if !math.IsInf(best, 1) && best > 0 {
				rows[i].VsBest = rows[i].Median / best
			}
		}
	}
	return rows
}

// target is one of the "Done when" ratios: the median of the first
// row matching Num divided by that of the first matching Den, in the first
// unit both have, must be at most Limit (or, with AtLeast, at least Limit).
type target struct {
	Desc     string
	Num, Den *regexp.Regexp
	Units    []string
	Limit    float64
	AtLeast  bool
}

var targets = []target{
	{"(1) Future at most 1.2x the channel", regexp.MustCompile(`^BenchmarkFutureCreateResolveRead/Future$`), regexp.MustCompile(`^BenchmarkFutureCreateResolveRead/chan$`), []string{"ns/op"}, 1.2, false},
	{"(3) Gather on the pool at or below errgroup with SetLimit", regexp.MustCompile(`(?i)^BenchmarkGather/.*pool`), regexp.MustCompile(`(?i)^BenchmarkGather/errgroup(/N=\d+)?$`), []string{"ns/task", "ns/op"}, 1, false},
	{"(3) asyncio gather at least 10x Gather on the pool", regexp.MustCompile(`^BenchmarkPython/gather/`), regexp.MustCompile(`(?i)^BenchmarkGather/.*pool`), []string{"ns/task"}, 10, true},
	{"(4) single-thread switch at most 2x iter.Pull", regexp.MustCompile(`^BenchmarkSuspendResume/Loop/single$`), regexp.MustCompile(`^BenchmarkSuspendResume/iterPull/locked$`), []string{"ns/op"}, 2, false},
	{"(4) asyncio sleep(0) at least 30x the single-thread switch", regexp.MustCompile(`^BenchmarkPython/sleep0$`), regexp.MustCompile(`^BenchmarkSuspendResume/Loop/single$`), []string{"ns/op"}, 30, true},
	{"(6) inline await at most 5x a plain call", regexp.MustCompile(`^BenchmarkAwait/coroutineInline$`), regexp.MustCompile(`^BenchmarkAwait/plainCall$`), []string{"ns/op"}, 5, false},
	{"(8) same-thread CallSoon at most 3x the slice", regexp.MustCompile(`^BenchmarkCallSoon/Loop/single$`), regexp.MustCompile(`^BenchmarkCallSoon/sliceQueue$`), []string{"ns/op"}, 3, false},
	{"(8) CallSoonThreadsafe at most the mutex slice", regexp.MustCompile(`^BenchmarkCallSoonThreadsafe/Loop/single$`), regexp.MustCompile(`^BenchmarkCallSoonThreadsafe/mutexSlice$`), []string{"ns/op"}, 1, false},
	{"(15) pool switch at most 3x iter.Pull", regexp.MustCompile(`^BenchmarkSuspendResume/Loop/pool$`), regexp.MustCompile(`^BenchmarkSuspendResume/iterPull/locked$`), []string{"ns/op"}, 3, false},
	{"(15) pool CallSoon at most 5x the slice", regexp.MustCompile(`^BenchmarkCallSoon/Loop/pool$`), regexp.MustCompile(`^BenchmarkCallSoon/sliceQueue$`), []string{"ns/op"}, 5, false},
	{"(15) pool create-and-run at most 1.5x iter.Pull", regexp.MustCompile(`^BenchmarkCoroutineCreateRun/Loop/pool$`), regexp.MustCompile(`^BenchmarkCoroutineCreateRun/iterPull$`), []string{"ns/op"}, 1.5, false},
	// Issue 17's echo targets, as times per request: at least 0.9x Go
	// net's requests per second is at most 1/0.9 its time per request.
	{"(io) single-thread streams at least uvloop's protocol (10 conns, 1 KiB)", regexp.MustCompile(`^BenchmarkEcho/c10-1KiB/single$`), regexp.MustCompile(`^BenchmarkEcho/c10-1KiB/uvloop-protocol$`), []string{"ns/req"}, 1, false},
	{"(io) single-thread streams at least 0.9x Go net (10 conns, 1 KiB)", regexp.MustCompile(`^BenchmarkEcho/c10-1KiB/single$`), regexp.MustCompile(`^BenchmarkEcho/c10-1KiB/gonet$`), []string{"ns/req"}, 1 / 0.9, false},
	{"(io) pool streams at least 0.9x Go net (10 conns, 1 KiB)", regexp.MustCompile(`^BenchmarkEcho/c10-1KiB/pool$`), regexp.MustCompile(`^BenchmarkEcho/c10-1KiB/gonet$`), []string{"ns/req"}, 1 / 0.9, false},
	// The same three with the load at the normal policy (workload 10g),
	// where its wakeups preempt the server: shown beside, not instead.
	{"(io) as above, load at the normal policy: single-thread at least uvloop's protocol", regexp.MustCompile(`^BenchmarkEcho/c10-1KiB-normalsched/single$`), regexp.MustCompile(`^BenchmarkEcho/c10-1KiB-normalsched/uvloop-protocol$`), []string{"ns/req"}, 1, false},
	{"(io) as above, load at the normal policy: single-thread at least 0.9x Go net", regexp.MustCompile(`^BenchmarkEcho/c10-1KiB-normalsched/single$`), regexp.MustCompile(`^BenchmarkEcho/c10-1KiB-normalsched/gonet$`), []string{"ns/req"}, 1 / 0.9, false},
	{"(io) as above, load at the normal policy: pool at least 0.9x Go net", regexp.MustCompile(`^BenchmarkEcho/c10-1KiB-normalsched/pool$`), regexp.MustCompile(`^BenchmarkEcho/c10-1KiB-normalsched/gonet$`), []string{"ns/req"}, 1 / 0.9, false},
	{"(io) single-thread at least 0.7x Go net at 64 KiB", regexp.MustCompile(`^BenchmarkEcho/c10-64KiB/single$`), regexp.MustCompile(`^BenchmarkEcho/c10-64KiB/gonet$`), []string{"ns/req"}, 1 / 0.7, false},
	{"(io) pool at least 0.7x Go net at 64 KiB", regexp.MustCompile(`^BenchmarkEcho/c10-64KiB/pool$`), regexp.MustCompile(`^BenchmarkEcho/c10-64KiB/gonet$`), []string{"ns/req"}, 1 / 0.7, false},
	{"(io) single-thread 1-connection p50 at most 1.5x Go net", regexp.MustCompile(`^BenchmarkEcho/c1-1KiB/single$`), regexp.MustCompile(`^BenchmarkEcho/c1-1KiB/gonet$`), []string{"p50-us"}, 1.5, false},
	{"(io) pool 1-connection p50 at most 1.5x Go net", regexp.MustCompile(`^BenchmarkEcho/c1-1KiB/pool$`), regexp.MustCompile(`^BenchmarkEcho/c1-1KiB/gonet$`), []string{"p50-us"}, 1.5, false},
	{"(9) single: per-task cost 1,000,000 vs 10,000 at most 1.5x", regexp.MustCompile(`^BenchmarkTaskScaling/Loop/single/N=1000000$`), regexp.MustCompile(`^BenchmarkTaskScaling/Loop/single/N=10000$`), []string{"ns/task"}, 1.5, false},
	{"(9) pool: per-task cost 1,000,000 vs 10,000 at most 1.5x", regexp.MustCompile(`^BenchmarkTaskScaling/Loop/pool/N=1000000$`), regexp.MustCompile(`^BenchmarkTaskScaling/Loop/pool/N=10000$`), []string{"ns/task"}, 1.5, false},
}

// targetResult is a target evaluated on one run.
type targetResult struct {
	Desc  string  `json:"target"`
	Ratio float64 `json:"ratio"` // 0 when a row is missing
	Met   bool    `json:"met"`
	Note  string  `json:"note"`
}

// first returns the first name in s matching re.
func (s *samples) first(re *regexp.Regexp) string {
	for _, n := range s.order {
		if re.MatchString(n) {
			return n
		}
	}
	return ""
}

// checkTargets evaluates every target on s.
func checkTargets(s *samples) []targetResult {
	var out []targetResult
	for _, t := range targets {
		tr := targetResult{Desc: t.Desc}
		num, den := s.first(t.Num), s.first(t.Den)
		if num == "" || den == "" {
			tr.Note = "row missing in this run"
			out = append(out, tr)
			continue
		}
		for _, u := range t.Units {
			a, ok1 := s.median(num, u)
			b, ok2 := s.median(den, u)
			if ok1 && ok2 && b > 0 {
				tr.Ratio = a / b
				tr.Met = tr.Ratio <= t.Limit
				if t.AtLeast {
					tr.Met = tr.Ratio >= t.Limit
				}
				tr.Note = fmt.Sprintf("%s / %s (%s)", subName(num), subName(den), u)
				break
			}
		}
		if tr.Ratio == 0 && tr.Note == "" {
			tr.Note = "no common unit"
		}
		out = append(out, tr)
	}
	return out
}

// formatValue prints a median with a precision that suits its size.
func formatValue(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// ratio prints a ratio, or a dash for none.
func ratio(r float64) string {
	if r == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2fx", r)
}

// writeMarkdown writes the machine line, the table of medians and the
// targets as Markdown.
func writeMarkdown(w io.Writer, machine string, rows []row, trs []targetResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", machine)
	b.WriteString("| # | workload | row | median | unit | allocs/op | vs floor | vs best alternative |\n")
	b.WriteString("|---|---|---|---:|---|---:|---:|---:|\n")
	for _, r := range rows {
		name := strings.TrimPrefix(r.Name, "Benchmark")
		switch {
		case r.Ours:
			name = "**" + name + "**"
		case r.Floor:
			name += " (floor)"
		}
		allocs := "–"
		if r.Allocs >= 0 {
			allocs = fmt.Sprintf("%.0f", r.Allocs)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Workload, r.Title, name,
			formatValue(r.Median), r.Unit, allocs, ratio(r.VsFloor), ratio(r.VsBest))
	}
	b.WriteString("\nRows in **bold** are this library's. \"vs best alternative\" divides by the lowest row in the workload that is not this library's (other than the row itself).\n")
	if len(trs) > 0 {
		b.WriteString("\n| target | ratio | met |\n|---|---:|---|\n")
		for _, t := range trs {
			met := "no"
			switch {
			case t.Ratio == 0:
				met = "n/a: " + t.Note
			case t.Met:
				met = "yes"
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", t.Desc, ratio(t.Ratio), met)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
