package engine_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
)

func TestOutboundGuardRefusesInternalAddresses(t *testing.T) {
	g, err := engine.NewOutboundGuard(nil)
	if err != nil {
		t.Fatal(err)
	}
	refused := []string{"127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "0.0.0.0",
		"::1", "::", "fe80::1", "fd00::5", "ff02::1", "224.0.0.1", "::ffff:127.0.0.1", "100.64.0.1", "255.255.255.255"}
	for _, s := range refused {
		if err := g.CheckAddr(netip.MustParseAddr(s)); !errors.Is(err, engine.ErrOutboundRefused) {
			t.Errorf("%s: %v, want refused", s, err)
		}
	}
	for _, s := range []string{"93.184.216.34", "8.8.8.8", "2606:4700::1111"} {
		if err := g.CheckAddr(netip.MustParseAddr(s)); err != nil {
			t.Errorf("%s: %v, want allowed", s, err)
		}
	}
	allow, err := engine.NewOutboundGuard([]string{"10.1.0.0/16", "127.0.0.1", "hooks.internal"})
	if err != nil {
		t.Fatal(err)
	}
	if err := allow.CheckAddr(netip.MustParseAddr("10.1.2.3")); err != nil {
		t.Errorf("allow-listed CIDR: %v", err)
	}
	if err := allow.CheckAddr(netip.MustParseAddr("10.2.0.1")); err == nil {
		t.Error("10.2.0.1 is outside the allow-listed CIDR but was allowed")
	}
	if err := allow.CheckURL(context.Background(), "http://hooks.internal/x"); err != nil {
		t.Errorf("allow-listed host: %v", err)
	}
	for _, u := range []string{"ftp://example.com/", "/relative", "http://user:pw@example.com/", "http://169.254.169.254/latest"} {
		if err := g.CheckURL(context.Background(), u); err == nil {
			t.Errorf("%s was accepted", u)
		}
	}
	if _, err := engine.NewOutboundGuard([]string{"10.0.0.0/99"}); err == nil {
		t.Error("a bad CIDR was accepted")
	}
}

// A host that resolves to a public address when the URL is checked and to
// loopback when it is dialled (DNS rebinding) must still be refused.
func TestOutboundGuardChecksAtDialTime(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	port := srv.Listener.Addr().(interface{ AddrPort() netip.AddrPort }).AddrPort().Port()

	g, err := engine.NewOutboundGuard(nil)
	if err != nil {
		t.Fatal(err)
	}
	var lookups atomic.Int32
	g.Lookup = func(context.Context, string) ([]netip.Addr, error) {
		if lookups.Add(1) == 1 {
			return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
		}
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	target := (&url.URL{Scheme: "http", Host: "rebind.example:" + strconv.Itoa(int(port)), Path: "/hook"}).String()
	if err := g.CheckURL(context.Background(), target); err != nil {
		t.Fatalf("first answer is public, the URL should pass: %v", err)
	}
	_, err = g.Client(2 * time.Second).Get(target)
	if !errors.Is(err, engine.ErrOutboundRefused) {
		t.Fatalf("the second answer is loopback: got %v, want refused", err)
	}
	if hits.Load() != 0 {
		t.Fatal("the loopback receiver was reached")
	}

	// The same receiver by its literal address is refused too, and reached
	// once allow-listed.
	if _, err := g.Client(2 * time.Second).Get(srv.URL); !errors.Is(err, engine.ErrOutboundRefused) {
		t.Fatalf("loopback literal: got %v, want refused", err)
	}
	ok, _ := engine.NewOutboundGuard([]string{"127.0.0.1/32"})
	res, err := ok.Client(2 * time.Second).Get(srv.URL)
	if err != nil {
		t.Fatalf("allow-listed loopback: %v", err)
	}
	res.Body.Close()
	if hits.Load() != 1 {
		t.Fatalf("%d hits, want 1", hits.Load())
	}
}

// A redirect is not followed: it could lead the signed payload to an
// internal address.
func TestOutboundGuardDoesNotFollowRedirects(t *testing.T) {
	var inner atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { inner.Add(1) }))
	defer internal.Close()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internal.URL, http.StatusFound)
	}))
	defer front.Close()
	g, _ := engine.NewOutboundGuard([]string{"127.0.0.1"})
	res, err := g.Client(2 * time.Second).Get(front.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || inner.Load() != 0 {
		t.Fatalf("status %d, internal hits %d: the redirect was followed", res.StatusCode, inner.Load())
	}
}
