// Command report runs the bench/ benchmarks (and, when python3 is present,
// the same workloads in Python asyncio), several rounds interleaved, and
// writes a side-by-side report: a Markdown table of medians with each row's
// ratio to its workload's floor and to the best alternative, the raw
// results as benchstat-compatible text and as JSON, and two SVG charts.
//
// Run it from anywhere inside the module:
//
//	go run ./bench/cmd/report          # full: 5 rounds, under 10 minutes on 2 cores
//	go run ./bench/cmd/report -quick   # 1 short round, under a minute
//	go run ./bench/cmd/report -echo=false  # without the echo servers
//
// The echo workload (workloads 10 and 10m) runs bench/cmd/echoserver on
// each engine and on Go net, bench/python/echo_server.py on asyncio and
// uvloop (Debian's python3-uvloop, installed when it can be), and Node's
// net where node is, each driven by bench/cmd/echoload in turn (as
// SCHED_BATCH on Linux, so that the load's wakeups do not preempt the
// server it measures; workload 10g runs the 1 KiB load again at the normal
// policy); the server's CPU per request and memory per idle connection
// come from /proc (Linux).
//
// Files written to -out (default bench/results): raw.txt, results.json,
// table.md, ratios.svg, scaling.svg. With -from raw.txt it redraws them
// from an earlier run's raw.txt without running anything.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	quick := flag.Bool("quick", false, "one short round (under a minute)")
	out := flag.String("out", "", "directory for the results (default: bench/results in the module)")
	rounds := flag.Int("rounds", 0, "rounds to run (default 1 with -quick, 5 otherwise)")
	benchtime := flag.String("benchtime", "", "go test -benchtime per round (default 50ms with -quick, 300ms otherwise)")
	bench := flag.String("bench", ".", "go test -bench regexp")
	from := flag.String("from", "", "redraw the report from a raw.txt written before, running nothing")
	echo := flag.Bool("echo", true, "run the echo workload (bench/cmd/echoserver against Go net, asyncio, uvloop, Node)")
	flag.Parse()
	var err error
	if *from != "" {
		err = redraw(*from, *out)
	} else {
		err = run(*quick, *echo, *out, *rounds, *benchtime, *bench)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

// run builds the benchmark binary, runs the rounds and writes the report.
func run(quick, echo bool, out string, rounds int, benchtime, bench string) error {
	if rounds <= 0 {
		rounds = 5
		if quick {
			rounds = 1
		}
	}
	pyTime := "0.3"
	if benchtime == "" {
		benchtime = "300ms"
		if quick {
			benchtime, pyTime = "50ms", "0.05"
		}
	}
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if out == "" {
		out = filepath.Join(root, "bench", "results")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "benchreport")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bench.test")
	progress("building the benchmarks")
	build := exec.Command("go", "test", "-c", "-o", bin, "./bench/")
	build.Dir, build.Stderr = root, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go test -c: %w", err)
	}
	py, pyVersion := findPython()
	if py == "" {
		progress("python3 not found: the report has no asyncio rows")
	}
	var servers []echoServer
	var loadBin, policy string
	echoTime, idleConns := time.Second, 10000
	if quick {
		echoTime, idleConns = 200*time.Millisecond, 1000
	}
	if echo {
		var serverBin string
		progress("building the echo servers")
		if serverBin, loadBin, err = echoTools(root, tmp); err != nil {
			return err
		}
		var notes []string
		servers, notes = echoServers(root, serverBin, py)
		policy = loadPolicy(loadBin)
		for _, n := range notes {
			progress(n)
		}
	}
	var raw bytes.Buffer
	started := time.Now()
	for r := 1; r <= rounds; r++ {
		tag := fmt.Sprintf("round %d/%d", r, rounds)
		cmd := exec.Command(bin, "-test.run=^$", "-test.bench="+bench, "-test.benchmem",
			"-test.benchtime="+benchtime, "-test.count=1")
		cmd.Dir = filepath.Join(root, "bench")
		if err := stream(cmd, &raw, tag, started); err != nil {
			return fmt.Errorf("%s: go benchmarks: %w", tag, err)
		}
		if py != "" {
			cmd := exec.Command(py, filepath.Join(root, "bench", "python", "asyncio_bench.py"), "-benchtime", pyTime)
			if err := stream(cmd, &raw, tag, started); err != nil {
				return fmt.Errorf("%s: python: %w", tag, err)
			}
		}
		if echo {
			if err := runEcho(rotated(servers, r-1), loadBin, policy, echoTime, &raw, tag, started); err != nil {
				return fmt.Errorf("%s: echo: %w", tag, err)
			}
		}
	}
	if echo {
		progress(fmt.Sprintf("%d idle connections on each Go server", idleConns))
		if err := runEchoIdle(servers, loadBin, idleConns, &raw); err != nil {
			return fmt.Errorf("idle connections: %w", err)
		}
	}
	machine := machineLine(pyVersion, rounds, benchtime)
	if echo {
		machine += " Echo load (bench/cmd/echoload): " + map[string]string{"batch": "SCHED_BATCH", "normal": "the normal policy"}[policy] + "; workload 10g at the normal policy."
	}
	progress(fmt.Sprintf("done in %s; writing %s", time.Since(started).Round(time.Second), out))
	rep, err := writeReport(bytes.NewReader(raw.Bytes()), out, machine)
	if err != nil {
		return err
	}
	fmt.Print(rep)
	return nil
}

// redraw writes the report of a raw.txt from an earlier run into out (by
// default the directory raw.txt is in), keeping its machine line.
func redraw(from, out string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Dir(from)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	first, rest, _ := strings.Cut(string(b), "\n")
	machine, ok := strings.CutPrefix(first, "# ")
	if !ok {
		machine, rest = "Machine: unknown", string(b)
	}
	md, err := writeReport(strings.NewReader(rest), out, machine)
	if err != nil {
		return err
	}
	fmt.Print(md)
	return nil
}

// progress prints a status line on stderr.
func progress(msg string) { fmt.Fprintln(os.Stderr, "report:", msg) }

// startPiped starts cmd with its standard error on ours and returns its
// standard output.
func startPiped(cmd *exec.Cmd) (io.ReadCloser, error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return out, nil
}

// stream runs cmd, copying its output into raw and printing each result
// line as progress.
func stream(cmd *exec.Cmd, raw io.Writer, tag string, started time.Time) error {
	stdout, err := startPiped(cmd)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(raw, line)
		if r, ok := parseLine(line); ok {
			fmt.Fprintf(os.Stderr, "report: [%s %5.0fs] %s\n", tag, time.Since(started).Seconds(), r.Name)
		}
	}
	return cmd.Wait()
}

// findPython returns the python3 path and version, or "" and a note.
func findPython() (path, version string) {
	p, err := exec.LookPath("python3")
	if err != nil {
		return "", "none (python3 not found)"
	}
	v, err := exec.Command(p, "--version").Output()
	if err != nil {
		return "", "none (python3 --version failed)"
	}
	return p, strings.TrimSpace(string(v))
}

// machineLine describes where and how the report was made.
func machineLine(python string, rounds int, benchtime string) string {
	return fmt.Sprintf("Machine: %s, %d cores, %s, %s, %s; %d round(s) of -benchtime=%s, medians.",
		cpuModel(), runtime.NumCPU(), runtime.Version(), python, time.Now().UTC().Format("2006-01-02 15:04 MST"), rounds, benchtime)
}

// cpuModel reads the CPU's model name from /proc/cpuinfo where there is one.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}

// jsonReport is the layout of results.json.
type jsonReport struct {
	Machine string                          `json:"machine"`
	Rows    []row                           `json:"rows"`
	Targets []targetResult                  `json:"targets"`
	Samples map[string]map[string][]float64 `json:"samples"`
}

// writeReport parses raw benchmark output and writes raw.txt, results.json,
// table.md, ratios.svg and scaling.svg into dir. It returns the Markdown.
func writeReport(raw io.Reader, dir, machine string) (string, error) {
	var text bytes.Buffer
	s, err := parse(io.TeeReader(raw, &text))
	if err != nil {
		return "", err
	}
	if len(s.order) == 0 {
		return "", fmt.Errorf("no benchmark results in the output")
	}
	rows := buildRows(s)
	trs := checkTargets(s)
	var md bytes.Buffer
	if err := writeMarkdown(&md, machine, rows, trs); err != nil {
		return "", err
	}
	js, err := json.MarshalIndent(jsonReport{machine, rows, trs, s.vals}, "", "  ")
	if err != nil {
		return "", err
	}
	var ratios, scaling bytes.Buffer
	if err := writeRatioSVG(&ratios, machine, rows); err != nil {
		return "", err
	}
	if err := writeScalingSVG(&scaling, machine, scalingSeries(s)); err != nil {
		return "", err
	}
	files := map[string][]byte{
		"raw.txt":      append([]byte("# "+machine+"\n"), text.Bytes()...),
		"results.json": append(js, '\n'),
		"table.md":     md.Bytes(),
		"ratios.svg":   ratios.Bytes(),
		"scaling.svg":  scaling.Bytes(),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", err
		}
	}
	return md.String(), nil
}
