package main

import (
	"bufio"
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// policies starts echoload with args and -idle -conns=0, waits for it to
// be running, and returns the scheduling policy of each of its threads.
func policies(t *testing.T, args ...string) []uint32 {
	t.Helper()
	cmd := echoload(append(args, "-idle", "-conns=0")...)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		in.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("echoload %v: %v", args, err)
		}
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "open 0\n" {
		t.Fatalf("echoload %v printed %q (%v), want \"open 0\"", args, line, err)
	}
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task")
	if err != nil {
		t.Fatal(err)
	}
	var ps []uint32
	for _, e := range tasks {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		attr, err := unix.SchedGetAttr(tid, 0)
		if err != nil {
			t.Fatalf("thread %d: %v", tid, err)
		}
		ps = append(ps, attr.Policy)
	}
	return ps
}

func TestBatchReachesEveryThread(t *testing.T) {
	ps := policies(t, "-sched=batch")
	if len(ps) < 2 {
		t.Fatalf("%d threads: want the runtime's as well as main's", len(ps))
	}
	for i, p := range ps {
		if p != unix.SCHED_BATCH {
			t.Errorf("thread %d of %d: policy %d, want SCHED_BATCH (%d)", i, len(ps), p, unix.SCHED_BATCH)
		}
	}
}

func TestNormalLeavesThePolicy(t *testing.T) {
	for i, p := range policies(t, "-sched=normal") {
		if p != unix.SCHED_NORMAL {
			t.Errorf("thread %d: policy %d, want SCHED_NORMAL", i, p)
		}
	}
}
