package loop_test

// cannotExec reports false: Plan 9 has no ENOEXEC to recognize.
func cannotExec(error) bool { return false }
