package loop

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/offloop"
)

// AddrInfo is one address GetAddrInfo found (one tuple of asyncio's
// getaddrinfo): the network to dial it with ("tcp4", "tcp6", "udp4", ...)
// and the address with its port.
type AddrInfo struct {
	Network string
	Addr    netip.AddrPort
}

// GetAddrInfo resolves host and port for network ("tcp", "tcp4",
// "tcp6", "udp", "udp4", "udp6"), as asyncio's loop.getaddrinfo does:
// port may be a number or a service name ("https"), and host an address
// or a name. The lookup runs on a goroutine of its own with net's default
// resolver, so the calling task suspends and no loop thread or pool
// worker waits for DNS; from a plain goroutine it blocks that goroutine.
// Cancelling ctx (or the task) ends the wait and the lookup.
//
// Errors are net's (*net.DNSError for a name that does not resolve); a
// network other than those above matches net.UnknownNetworkError.
func (l *Loop) GetAddrInfo(ctx context.Context, network, host, port string) ([]AddrInfo, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: GetAddrInfo: nil context", future.ErrNil)
	}
	var family string
	switch network {
	case "tcp", "udp":
	case "tcp4", "udp4":
		family = "4"
	case "tcp6", "udp6":
		family = "6"
	default:
		return nil, net.UnknownNetworkError(network)
	}
	proto := strings.TrimRight(network, "46")
	return offloop.Run(ctx, func(ctx context.Context) ([]AddrInfo, error) {
		p, err := net.DefaultResolver.LookupPort(ctx, proto, port)
		if err != nil {
			return nil, err
		}
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip"+family, host)
		if err != nil {
			return nil, err
		}
		out := make([]AddrInfo, 0, len(ips))
		for _, ip := range ips {
			ip = ip.Unmap()
			n := proto + "4"
			if ip.Is6() {
				n = proto + "6"
			}
			out = append(out, AddrInfo{Network: n, Addr: netip.AddrPortFrom(ip, uint16(p))})
		}
		return out, nil
	}, nil)
}

// GetNameInfo returns a host name for addr's address and a service name
// for its port on network ("tcp" or "udp"), as asyncio's
// loop.getnameinfo does: the address itself if it has no name, and the
// port number if the service has none. It waits as GetAddrInfo does. The
// service name comes from the system's services database where there is
// one (/etc/services); elsewhere the port number is returned.
func (l *Loop) GetNameInfo(ctx context.Context, network string, addr netip.AddrPort) (host, service string, err error) {
	if ctx == nil {
		return "", "", fmt.Errorf("%w: GetNameInfo: nil context", future.ErrNil)
	}
	if network != "tcp" && network != "udp" {
		return "", "", net.UnknownNetworkError(network)
	}
	names, err := offloop.Run(ctx, func(ctx context.Context) ([]string, error) {
		names, err := net.DefaultResolver.LookupAddr(ctx, addr.Addr().String())
		if err != nil {
			if dns, ok := err.(*net.DNSError); ok && dns.IsNotFound {
				return nil, nil // no name: the address stands for itself
			}
			return nil, err
		}
		return names, nil
	}, nil)
	if err != nil {
		return "", "", err
	}
	host = addr.Addr().String()
	if len(names) > 0 {
		host = strings.TrimSuffix(names[0], ".")
	}
	service = serviceName(network, addr.Port())
	if service == "" {
		service = strconv.Itoa(int(addr.Port()))
	}
	return host, service, nil
}
