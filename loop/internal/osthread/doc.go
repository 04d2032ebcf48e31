// Package osthread holds what the loop needs from the operating system
// about the thread it runs on: the thread's id, a nap shorter than a
// runtime timer can take, and the thread's timer slack. Each platform has
// its own file; where an OS offers no way (or none reachable from Go
// without cgo), a documented fallback keeps the loop building and running:
// ID returns 0, Nap sleeps with time.Sleep, and SetNapSlack does nothing.
//
// Nothing here is for code outside the loop.
package osthread
