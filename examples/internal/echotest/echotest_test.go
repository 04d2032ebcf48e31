package echotest_test

import (
	"testing"

	"github.com/goasyncio/asyncio/examples/internal/echotest"
)

func TestNormalize(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"a client's split reads join",
			"echo_client: received b'ab'\necho_client: received b'c'\necho_client: closing\n",
			"echo_client: received b'abc'\necho_client: closing\n"},
		{"a server's split echoes join and the peer is hidden",
			"echo_::1_6: connection accepted\necho_::1_6: received b'a'\necho_::1_6: sent b'a'\necho_::1_6: received b'b'\necho_::1_6: sent b'b'\necho_::1_6: closing\n",
			"echo_PEER: connection accepted\necho_PEER: received b'ab'\necho_PEER: sent b'ab'\necho_PEER: closing\n"},
		{"an echo of other bytes stays visible",
			"x: received b'a'\nx: sent b'b'\n",
			"x: received b'a'\nx: sent b'b'\n"},
		{"other lines pass", "main: starting up\n", "main: starting up\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := echotest.Normalize(c.in); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}
