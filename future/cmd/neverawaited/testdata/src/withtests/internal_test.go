package withtests

import "testing"

func TestInternal(t *testing.T) {
	drop()
	Make(2)
}
