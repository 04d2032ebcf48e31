package loop_test

import (
	"context"
	"net"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/loop"
)

// TestGetAddrInfoAndGetNameInfo follows the book's asyncio_getaddrinfo
// and asyncio_getnameinfo on names every machine resolves.
func TestGetAddrInfoAndGetNameInfo(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			infos, err := l.GetAddrInfo(ctx, "tcp4", "127.0.0.1", "443")
			require.NoError(t, err)
			assert.Equal(t, []loop.AddrInfo{{Network: "tcp4", Addr: netip.MustParseAddrPort("127.0.0.1:443")}}, infos)

			infos, err = l.GetAddrInfo(ctx, "tcp", "localhost", "80")
			require.NoError(t, err)
			require.NotEmpty(t, infos)
			for _, in := range infos {
				assert.True(t, in.Addr.Addr().IsLoopback(), "%v", in)
				assert.EqualValues(t, 80, in.Addr.Port())
			}

			_, err = l.GetAddrInfo(ctx, "sctp", "localhost", "80")
			var unknown net.UnknownNetworkError
			assert.ErrorAs(t, err, &unknown)

			host, _, err := l.GetNameInfo(ctx, "tcp", netip.MustParseAddrPort("127.0.0.1:443"))
			require.NoError(t, err)
			assert.NotEmpty(t, host)
			// A port with no service name comes back as its number.
			_, service, err := l.GetNameInfo(ctx, "tcp", netip.MustParseAddrPort("127.0.0.1:1"))
			require.NoError(t, err)
			assert.Contains(t, []string{"1", "tcpmux"}, service)
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}
