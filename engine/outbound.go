package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// note: every HTTP request the engine makes on behalf of a definition or a
// subscription (flow webhook actions, webhook subscriptions) goes through an
// outbound guard. An admin who may write a URL must not reach the database,
// the cloud metadata service or anything else on the private network of the
// server. The address is checked when the connection is made, on the IP
// actually dialled, so a name that resolves to a public address when the URL
// is saved and to 127.0.0.1 later (DNS rebinding) is still refused.

// ErrOutboundRefused is what a request to a refused address fails with.
var ErrOutboundRefused = errors.New("outbound address refused")

// refusedRanges are the addresses no outbound request may reach unless they
// are allow-listed, beyond those netip classifies (private, loopback,
// link-local, multicast, unspecified).
var refusedRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64, which can map to private IPv4
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("fec0::/10"),      // deprecated site-local
	netip.MustParsePrefix("2002::/16"),      // 6to4, which can embed private IPv4
	netip.MustParsePrefix("100::/64"),       // discard
	netip.MustParsePrefix("2001::/32"),      // Teredo, which can embed private IPv4
}

// OutboundGuard decides which addresses the engine's outbound requests may
// reach.
type OutboundGuard struct {
	allowNets  []netip.Prefix
	allowHosts map[string]bool
	// Lookup resolves a host name; nil is the system resolver. Tests set it
	// to answer differently from one call to the next.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

// NewOutboundGuard builds a guard that refuses private, loopback,
// link-local, unique-local, multicast and unspecified addresses except
// those in allow: CIDRs ("10.1.0.0/16"), single addresses ("127.0.0.1") or
// host names ("hooks.internal", matched exactly, case-insensitive).
func NewOutboundGuard(allow []string) (*OutboundGuard, error) {
	g := &OutboundGuard{allowHosts: map[string]bool{}}
	for _, raw := range allow {
		s := strings.TrimSpace(raw)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			g.allowNets = append(g.allowNets, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(s); err == nil {
			g.allowNets = append(g.allowNets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		if strings.ContainsAny(s, "/ :") {
			return nil, fmt.Errorf("outbound allow-list entry %q is neither a CIDR, an address nor a host name", s)
		}
		g.allowHosts[strings.ToLower(s)] = true
	}
	return g, nil
}

// CheckAddr refuses an address in a refused range that is not allow-listed.
func (g *OutboundGuard) CheckAddr(a netip.Addr) error {
	a = a.Unmap()
	for _, p := range g.allowNets {
		if p.Contains(a) {
			return nil
		}
	}
	if a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return fmt.Errorf("%w: %s is a private, loopback, link-local or multicast address; add it to the allow-list (MOSAIC_WEBHOOK_ALLOW) if it is meant", ErrOutboundRefused, a)
	}
	for _, p := range refusedRanges {
		if p.Contains(a) {
			return fmt.Errorf("%w: %s is in the reserved range %s; add it to the allow-list (MOSAIC_WEBHOOK_ALLOW) if it is meant", ErrOutboundRefused, a, p)
		}
	}
	return nil
}

// CheckURL tells whether rawURL can be a webhook target now: http or https,
// a host, and every address the host resolves to allowed. It is a courtesy
// for whoever types the URL; the dial-time check is what protects.
func (g *OutboundGuard) CheckURL(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return fmt.Errorf("%w: the URL must be an absolute http:// or https:// address", ErrOutboundRefused)
	}
	if u.User != nil {
		return fmt.Errorf("%w: the URL must not carry a user name or password; sign with the subscription's secret instead", ErrOutboundRefused)
	}
	if g.allowHosts[strings.ToLower(u.Hostname())] {
		return nil
	}
	addrs, err := g.resolve(ctx, u.Hostname())
	if err != nil {
		return fmt.Errorf("%w: the host %s could not be resolved", ErrOutboundRefused, u.Hostname())
	}
	for _, a := range addrs {
		if err := g.CheckAddr(a); err != nil {
			return err
		}
	}
	return nil
}

func (g *OutboundGuard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return []netip.Addr{a}, nil
	}
	if g.Lookup != nil {
		return g.Lookup(ctx, host)
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// control is the dialer's last word: it sees the address the socket is
// about to connect to, whatever resolved it.
func (g *OutboundGuard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s is not an address", ErrOutboundRefused, address)
	}
	return g.CheckAddr(ap.Addr())
}

// DialContext resolves addr's host, refuses it when any answer is refused,
// and connects to the first answer that connects. A host on the allow-list
// by name is dialled as it is.
func (g *OutboundGuard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if g.allowHosts[strings.ToLower(host)] {
		return (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, network, addr)
	}
	addrs, err := g.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("%w: %s has no address", ErrOutboundRefused, host)
	}
	d := &net.Dialer{Timeout: 10 * time.Second, Control: g.control}
	var last error
	for _, a := range addrs {
		if err := g.CheckAddr(a); err != nil {
			return nil, err
		}
		c, err := d.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		last = err
	}
	return nil, last
}

// Client is an HTTP client whose every connection goes through the guard,
// through no proxy, and which follows no redirect: a redirect could send a
// signed payload somewhere its author never named. A 3xx is an answer like
// any other, and fails a delivery.
func (g *OutboundGuard) Client(timeout time.Duration) *http.Client {
	t := &http.Transport{
		Proxy:                 nil, // note: a proxy would dial for us, past the guard
		DialContext:           g.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{Timeout: timeout, Transport: t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
