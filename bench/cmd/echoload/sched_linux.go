package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// defaultSched is -sched's default: on Linux the load runs as
// SCHED_BATCH (see the package doc for why).
const defaultSched = "batch"

// reexecEnv marks the process batchScheduling started, so it does not
// start itself again.
const reexecEnv = "ECHOLOAD_SCHED_BATCH"

// batchScheduling makes the whole load run under SCHED_BATCH. A policy set
// now would reach only this thread and those made from it later, not the
// runtime's threads already running, so it sets the policy on this thread
// and executes echoload again from it: the new process, and every thread
// it makes, inherits the policy. It returns only in that new process, or
// with an error.
func batchScheduling() error {
	if os.Getenv(reexecEnv) != "" {
		attr, err := unix.SchedGetAttr(0, 0)
		if err != nil {
			return err
		}
		if attr.Policy != unix.SCHED_BATCH {
			return fmt.Errorf("re-executed with policy %d, not SCHED_BATCH", attr.Policy)
		}
		return nil
	}
	runtime.LockOSThread()
	attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_BATCH}
	if err := unix.SchedSetAttr(0, &attr, 0); err != nil {
		return fmt.Errorf("sched_setattr SCHED_BATCH: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return syscall.Exec(exe, os.Args, append(os.Environ(), reexecEnv+"=1"))
}
