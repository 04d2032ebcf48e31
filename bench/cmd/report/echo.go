package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// echoServer is one server of the echo workload: its row name and the
// command that serves on an address.
type echoServer struct {
	name string
	cmd  func(addr string) *exec.Cmd
}

// echoWorkload is one echo load: connections, each with one request of
// size bytes in flight, and echoload's -sched ("" for the run's policy,
// loadPolicy's).
type echoWorkload struct {
	id          string
	conns, size int
	sched       string
}

// echoWorkloads: the three loads, with the load as SCHED_BATCH
// where it can be, so that it does not preempt the server it measures (see
// bench/cmd/echoload), and the first again with the load at the normal
// policy, preempting, as the report ran it before.
var echoWorkloads = []echoWorkload{
	{"c10-1KiB", 10, 1 << 10, ""},
	{"c1-1KiB", 1, 1 << 10, ""},
	{"c10-64KiB", 10, 64 << 10, ""},
	{"c10-1KiB-normalsched", 10, 1 << 10, "normal"},
}

// echoTools builds bench/cmd/echoserver and bench/cmd/echoload into dir.
func echoTools(root, dir string) (server, load string, err error) {
	server, load = filepath.Join(dir, "echoserver"), filepath.Join(dir, "echoload")
	for bin, pkg := range map[string]string{server: "./bench/cmd/echoserver", load: "./bench/cmd/echoload"} {
		b := exec.Command("go", "build", "-o", bin, pkg)
		b.Dir, b.Stderr = root, os.Stderr
		if err := b.Run(); err != nil {
			return "", "", fmt.Errorf("go build %s: %w", pkg, err)
		}
	}
	return server, load, nil
}

// loadPolicy returns the -sched the run's echo loads take: "batch" where
// echoload can make itself SCHED_BATCH (Linux, unless something such as a
// seccomp filter forbids it), found by a load of no connections, and
// "normal" elsewhere.
func loadPolicy(loadBin string) string {
	if runtime.GOOS != "linux" {
		return "normal"
	}
	probe := exec.Command(loadBin, "-sched=batch", "-conns=0", "-duration=0s")
	if out, err := probe.CombinedOutput(); err != nil {
		progress(fmt.Sprintf("the echo load runs at the normal policy: -sched=batch failed: %v %s", err, strings.TrimSpace(string(out))))
		return "normal"
	}
	return "batch"
}

// echoServers lists the servers this machine can run, and a note for each
// one it cannot: the Go servers always; asyncio where python3 is; uvloop
// where Debian's python3-uvloop is or can be installed (root, apt-get);
// Node where node is.
func echoServers(root, serverBin, py string) ([]echoServer, []string) {
	var out []echoServer
	var notes []string
	for _, e := range []string{"gonet", "single", "pool"} {
		out = append(out, echoServer{e, func(addr string) *exec.Cmd {
			return exec.Command(serverBin, "-engine="+e, "-addr="+addr)
		}})
	}
	script := filepath.Join(root, "bench", "python", "echo_server.py")
	python := func(name, bin string, args ...string) echoServer {
		return echoServer{name, func(addr string) *exec.Cmd {
			return exec.Command(bin, append([]string{script, "--addr", addr}, args...)...)
		}}
	}
	if py == "" {
		notes = append(notes, "asyncio and uvloop rows skipped: python3 not found")
	} else {
		out = append(out, python("asyncio-streams", py, "--api", "streams"), python("asyncio-protocol", py, "--api", "protocol"))
		if uv, note := findUvloop(); uv != "" {
			out = append(out, python("uvloop-streams", uv, "--api", "streams", "--uvloop"), python("uvloop-protocol", uv, "--api", "protocol", "--uvloop"))
		} else {
			notes = append(notes, note)
		}
	}
	if node, err := exec.LookPath("node"); err == nil {
		js := filepath.Join(root, "bench", "cmd", "echoserver", "echo_server.js")
		out = append(out, echoServer{"node", func(addr string) *exec.Cmd { return exec.Command(node, js, addr) }})
	} else {
		notes = append(notes, "node rows skipped: node not found")
	}
	return out, notes
}

// findUvloop returns a Python that imports uvloop, installing Debian's
// python3-uvloop (for /usr/bin/python3) when it can, or "" and why not.
func findUvloop() (string, string) {
	const sysPy = "/usr/bin/python3"
	has := func() bool { return exec.Command(sysPy, "-c", "import uvloop").Run() == nil }
	if _, err := os.Stat(sysPy); err != nil {
		return "", "uvloop rows skipped: no /usr/bin/python3 for Debian's python3-uvloop"
	}
	if has() {
		return sysPy, ""
	}
	if _, err := exec.LookPath("apt-get"); err != nil || os.Geteuid() != 0 {
		return "", "uvloop rows skipped: python3-uvloop is not installed (install it with apt-get as root)"
	}
	progress("installing python3-uvloop")
	inst := exec.Command("apt-get", "install", "-y", "-qq", "python3-uvloop")
	if err := inst.Run(); err != nil || !has() {
		return "", "uvloop rows skipped: apt-get install python3-uvloop failed"
	}
	return sysPy, ""
}

// runningServer is a server startServer started.
type runningServer struct {
	cmd  *exec.Cmd
	addr string
}

// startServer starts s on a port of its own and waits for its "listening
// on ADDR" line.
func startServer(s echoServer) (*runningServer, error) {
	cmd := s.cmd("127.0.0.1:0")
	out, err := startPiped(cmd)
	if err != nil {
		return nil, err
	}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				addrc <- a
				break
			}
		}
		close(addrc)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case a, ok := <-addrc:
		if ok {
			return &runningServer{cmd, a}, nil
		}
	case <-time.After(30 * time.Second):
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, fmt.Errorf("%s: no \"listening on\" line", s.name)
}

// stop interrupts the server, and kills it if it has not ended in 10 s.
func (s *runningServer) stop() {
	if runtime.GOOS == "windows" || s.cmd.Process.Signal(os.Interrupt) != nil {
		_ = s.cmd.Process.Kill()
	}
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// cpuTicks returns the process's user and system CPU time in clock ticks
// (1/100 s on Linux), or -1 where /proc has none.
func cpuTicks(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from the state on
	if len(f) < 13 {
		return -1
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return u + k
}

// rssKiB returns the process's resident set in KiB, or -1.
func rssKiB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return n
		}
	}
	return -1
}

// rotated returns servers in their order started k places on, so that
// over the rounds each server takes each place in a workload's run once:
// none always runs first (just after the Go benchmarks) or beside the
// same neighbour, which on a shared machine biases a ratio.
func rotated(servers []echoServer, k int) []echoServer {
	if len(servers) == 0 {
		return nil
	}
	k %= len(servers)
	return append(servers[k:len(servers):len(servers)], servers[:k]...)
}

// runEcho runs every workload on every server for dur, writing one
// benchmark line per run into raw ("BenchmarkEcho/<workload>/<server>",
// ns/req, p50-us, p99-us, and cpu-us/req where /proc tells the server's
// CPU time).
func runEcho(servers []echoServer, loadBin, policy string, dur time.Duration, raw io.Writer, tag string, t0 time.Time) error {
	for _, w := range echoWorkloads {
		for _, s := range servers {
			name := "BenchmarkEcho/" + w.id + "/" + s.name
			srv, err := startServer(s)
			if err != nil {
				return err
			}
			pid := srv.cmd.Process.Pid
			c0 := cpuTicks(pid)
			args := []string{"-addr=" + srv.addr, "-conns=" + strconv.Itoa(w.conns),
				"-size=" + strconv.Itoa(w.size), "-duration=" + dur.String(), "-name=" + name}
			sched := w.sched
			if sched == "" {
				sched = policy
			}
			args = append(args, "-sched="+sched)
			out, err := exec.Command(loadBin, args...).Output()
			c1 := cpuTicks(pid)
			srv.stop()
			if err != nil {
				return fmt.Errorf("%s: echoload: %w", name, err)
			}
			line := strings.TrimSpace(string(out))
			r, ok := parseLine(line)
			if !ok {
				return fmt.Errorf("%s: echoload printed %q", name, line)
			}
			if c0 >= 0 && c1 >= 0 && r.Iters > 0 {
				line += fmt.Sprintf("\t%.2f cpu-us/req", (c1-c0)*1e4/float64(r.Iters))
			}
			fmt.Fprintln(raw, line)
			fmt.Fprintf(os.Stderr, "report: [%s %5.0fs] %s\n", tag, time.Since(t0).Seconds(), name)
		}
	}
	return nil
}

// runEchoIdle holds conns idle connections to each Go server and writes
// "BenchmarkEchoIdle/<server>" lines with the growth of its resident set
// per connection (Linux only: elsewhere it writes nothing).
func runEchoIdle(servers []echoServer, loadBin string, conns int, raw io.Writer) error {
	for _, s := range servers {
		if s.name != "gonet" && s.name != "single" && s.name != "pool" {
			continue
		}
		srv, err := startServer(s)
		if err != nil {
			return err
		}
		err = func() error {
			defer srv.stop()
			pid := srv.cmd.Process.Pid
			before := rssKiB(pid)
			if before < 0 {
				return nil
			}
			load := exec.Command(loadBin, "-idle", "-addr="+srv.addr, "-conns="+strconv.Itoa(conns))
			in, err := load.StdinPipe()
			if err != nil {
				return err
			}
			out, err := startPiped(load)
			if err != nil {
				return err
			}
			defer func() { in.Close(); _ = load.Wait() }()
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || !strings.HasPrefix(line, "open ") {
				return errors.Join(fmt.Errorf("%s: echoload -idle printed %q", s.name, line), err)
			}
			// The server accepts, and starts its goroutines, a little
			// after the client's connects return: wait for the set to
			// stop growing.
			after := rssKiB(pid)
			for range 50 {
				time.Sleep(100 * time.Millisecond)
				now := rssKiB(pid)
				if now <= after {
					break
				}
				after = now
			}
			fmt.Fprintf(raw, "BenchmarkEchoIdle/%s\t%d\t%.0f B/conn\n", s.name, conns, (after-before)*1024/float64(conns))
			return nil
		}()
		if err != nil {
			return err
		}
	}
	return nil
}
