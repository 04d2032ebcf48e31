// Package typeerr does not compile.
package typeerr

var x int = "not an int"
