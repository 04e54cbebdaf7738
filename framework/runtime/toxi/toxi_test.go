package toxi_test

import (
	"bufio"
	"context"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/toxi"
)

// embedded starts a real toxiproxy server in this process.
func embedded(t *testing.T) *toxi.Server {
	t.Helper()
	api := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	hs := httptest.NewServer(api.Routes())
	t.Cleanup(func() {
		hs.Close()
		api.Collection.Clear()
	})
	return toxi.New(hs.URL)
}

// echo starts a line echo server and returns its address.
func echo(t *testing.T) string {
	t.Helper()
	addr, stop, err := echoServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return addr
}

// echoServer starts a server that answers every line it is sent with the
// same line, and returns its address and how to stop it.
func echoServer() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if _, err := c.Write([]byte(line)); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), func() { ln.Close() }, nil
}

// roundTrip dials addr, sends one line and reads it back.
func roundTrip(addr string, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return 0, err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return 0, err
	}
	if line != "ping\n" {
		return 0, &net.AddrError{Err: "bad echo " + line, Addr: addr}
	}
	return time.Since(start), nil
}

func TestProxy(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv := embedded(t)
	if err := srv.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	up := echo(t)
	p, err := srv.CreateProxy(ctx, "echo", "127.0.0.1:0", up)
	if err != nil {
		t.Fatal(err)
	}
	var _ runtime.Proxy = p
	ep := p.Endpoint()
	if ep.Internal != p.Listen() || ep.External != p.Listen() || p.ListenPort() == "0" || p.ListenPort() == "" {
		t.Fatalf("endpoint %+v, listen %q: want the resolved listen address", ep, p.Listen())
	}
	if p.Upstream() != up || p.Name() != "echo" {
		t.Fatalf("name %q upstream %q", p.Name(), p.Upstream())
	}
	if _, err := roundTrip(ep.External, 2*time.Second); err != nil {
		t.Fatalf("through proxy: %v", err)
	}

	// Toxicity 0 must mean "always": a 200 ms latency shows on every trip.
	if err := p.AddToxic(ctx, runtime.Toxic{Name: "lat", Type: "latency", Attributes: map[string]any{"latency": 200}}); err != nil {
		t.Fatal(err)
	}
	ts, err := p.Toxics(ctx)
	if err != nil || len(ts) != 1 || ts[0].Toxicity != 1 || ts[0].Stream != "downstream" {
		t.Fatalf("toxics %+v, %v: want one at toxicity 1 downstream", ts, err)
	}
	for range 3 {
		d, err := roundTrip(ep.External, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if d < 200*time.Millisecond {
			t.Fatalf("round trip %v with a 200 ms latency toxic", d)
		}
	}
	if err := p.RemoveToxic(ctx, "lat"); err != nil {
		t.Fatal(err)
	}
	if d, err := roundTrip(ep.External, 5*time.Second); err != nil || d >= 200*time.Millisecond {
		t.Fatalf("after removing the toxic: %v, %v", d, err)
	}
	// An unnamed toxic gets toxiproxy's default name.
	if err := p.AddToxic(ctx, runtime.Toxic{Type: "latency", Stream: "upstream", Attributes: map[string]any{"latency": 1}}); err != nil {
		t.Fatal(err)
	}
	if err := p.RemoveToxic(ctx, "latency_upstream"); err != nil {
		t.Fatal(err)
	}
	err = p.RemoveToxic(ctx, "nope")
	if !toxi.IsNotFound(err) || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("removing a missing toxic: %v", err)
	}

	// A partition: an open connection is cut and new ones are refused.
	c, err := net.Dial("tcp", ep.External)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := p.SetEnabled(ctx, false); err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(2 * time.Second))
	c.Write([]byte("x\n"))
	if _, err := bufio.NewReader(c).ReadString('\n'); err == nil {
		t.Fatal("an open connection survived SetEnabled(false)")
	}
	if _, err := roundTrip(ep.External, time.Second); err == nil {
		t.Fatal("a new connection worked through a disabled proxy")
	}
	if err := p.SetEnabled(ctx, true); err != nil {
		t.Fatal(err)
	}
	if _, err := roundTrip(ep.External, 2*time.Second); err != nil {
		t.Fatalf("after SetEnabled(true): %v", err)
	}

	p.SetEndpoint(runtime.Endpoint{Internal: "toxiproxy:8000", External: ep.External})
	if p.Endpoint().Internal != "toxiproxy:8000" {
		t.Fatal("SetEndpoint had no effect")
	}
	if _, err := srv.CreateProxy(ctx, "echo", "127.0.0.1:0", up); err == nil {
		t.Fatal("a second proxy with the same name was created")
	}
	if err := p.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := roundTrip(ep.External, time.Second); err == nil {
		t.Fatal("a deleted proxy still forwards")
	}
	if err := srv.Reset(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestNoServer(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	srv := toxi.New(addr)
	if !strings.HasPrefix(srv.URL(), "http://") {
		t.Fatalf("URL %q", srv.URL())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := srv.WaitReady(ctx); err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("WaitReady without a server: %v", err)
	}
}
