//go:build !linux

package main

import "errors"

// defaultSched is -sched's default: off Linux there is no SCHED_BATCH,
// and the load runs at the normal policy.
const defaultSched = "normal"

func batchScheduling() error {
	return errors.New("-sched=batch needs Linux")
}
