package toxi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2/client"

	"github.com/hatest/hatest/framework/runtime"
)

// Server is a toxiproxy server's HTTP API.
type Server struct {
	url  string
	http *http.Client
}

// New returns a client for the toxiproxy API at apiURL ("http://host:port"
// or "host:port"). It does not contact the server; see Ping.
func New(apiURL string) *Server {
	if !strings.HasPrefix(apiURL, "http://") && !strings.HasPrefix(apiURL, "https://") {
		apiURL = "http://" + apiURL
	}
	return &Server{
		url: strings.TrimRight(apiURL, "/"),
		// Keep-alives off: a request must never reuse a connection the
		// server has half-closed, and the API is called rarely.
		http: &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}},
	}
}

// URL returns the API's base URL.
func (s *Server) URL() string { return s.url }

// Ping asks the server for its version; it fails unless the API answers.
func (s *Server) Ping(ctx context.Context) error {
	_, err := s.send(ctx, http.MethodGet, "/version", nil)
	if err != nil {
		return fmt.Errorf("toxiproxy %s: %w", s.url, err)
	}
	return nil
}

// WaitReady polls Ping until it succeeds or ctx ends.
func (s *Server) WaitReady(ctx context.Context) error {
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		err := s.Ping(pctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (%v)", err, context.Cause(ctx))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// CreateProxy creates an enabled proxy that listens on listen (host:port as
// the server sees it; port 0 picks a free one) and forwards to upstream.
// The Proxy's endpoint is the listen address the server reports, for both
// Internal and External, until SetEndpoint changes it.
func (s *Server) CreateProxy(ctx context.Context, name, listen, upstream string) (*Proxy, error) {
	body, err := json.Marshal(toxiproxy.Proxy{Name: name, Listen: listen, Upstream: upstream, Enabled: true})
	if err != nil {
		return nil, fmt.Errorf("create proxy %s: %w", name, err)
	}
	resp, err := s.send(ctx, http.MethodPost, "/proxies", body)
	if err != nil {
		return nil, fmt.Errorf("create proxy %s: %w", name, err)
	}
	var got toxiproxy.Proxy
	if err := json.Unmarshal(resp, &got); err != nil {
		return nil, fmt.Errorf("create proxy %s: decode: %w", name, err)
	}
	return &Proxy{
		srv:      s,
		name:     name,
		listen:   got.Listen,
		upstream: got.Upstream,
		ep:       runtime.Endpoint{Internal: got.Listen, External: got.Listen},
	}, nil
}

// Delete removes the proxy called name and closes its connections.
func (s *Server) Delete(ctx context.Context, name string) error {
	if _, err := s.send(ctx, http.MethodDelete, "/proxies/"+url.PathEscape(name), nil); err != nil {
		return fmt.Errorf("delete proxy %s: %w", name, err)
	}
	return nil
}

// Reset enables every proxy and removes every toxic.
func (s *Server) Reset(ctx context.Context) error {
	if _, err := s.send(ctx, http.MethodPost, "/reset", nil); err != nil {
		return fmt.Errorf("reset toxiproxy: %w", err)
	}
	return nil
}

func (s *Server) send(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.url+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "hatest")
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := &toxiproxy.ApiError{Status: resp.StatusCode}
		if json.Unmarshal(data, apiErr) != nil || apiErr.Message == "" {
			apiErr.Message = strings.TrimSpace(string(data))
		}
		if apiErr.Status == 0 {
			apiErr.Status = resp.StatusCode
		}
		return nil, apiErr
	}
	return data, nil
}

// Proxy is one toxiproxy proxy. It implements runtime.Proxy.
type Proxy struct {
	srv      *Server
	name     string
	listen   string
	upstream string

	mu sync.Mutex
	ep runtime.Endpoint
}

var _ runtime.Proxy = (*Proxy)(nil)

// Name returns the proxy's name.
func (p *Proxy) Name() string { return p.name }

// Listen returns the address the proxy listens on, as the server reported it.
func (p *Proxy) Listen() string { return p.listen }

// Upstream returns the address the proxy forwards to.
func (p *Proxy) Upstream() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.upstream
}

// ListenPort returns the port of Listen.
func (p *Proxy) ListenPort() string {
	_, port, err := net.SplitHostPort(p.listen)
	if err != nil {
		return ""
	}
	return port
}

// Endpoint returns where clients reach the proxy.
func (p *Proxy) Endpoint() runtime.Endpoint {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ep
}

// SetEndpoint sets where clients reach the proxy: a runtime whose clients
// see the server under other addresses (a container's alias and published
// port) calls it once before handing the proxy out.
func (p *Proxy) SetEndpoint(e runtime.Endpoint) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ep = e
}

// AddToxic adds t to the proxy. Toxicity 0 is sent as 1.0; an empty Stream
// means downstream; an empty Name means "<type>_<stream>".
func (p *Proxy) AddToxic(ctx context.Context, t runtime.Toxic) error {
	body, err := json.Marshal(wire(t))
	if err != nil {
		return fmt.Errorf("add toxic %s to %s: %w", t.Type, p.name, err)
	}
	if _, err := p.srv.send(ctx, http.MethodPost, "/proxies/"+url.PathEscape(p.name)+"/toxics", body); err != nil {
		return fmt.Errorf("add toxic %s to %s: %w", t.Type, p.name, err)
	}
	return nil
}

// RemoveToxic removes the toxic called name.
func (p *Proxy) RemoveToxic(ctx context.Context, name string) error {
	if _, err := p.srv.send(ctx, http.MethodDelete, "/proxies/"+url.PathEscape(p.name)+"/toxics/"+url.PathEscape(name), nil); err != nil {
		return fmt.Errorf("remove toxic %s from %s: %w", name, p.name, err)
	}
	return nil
}

// Toxics lists the proxy's active toxics.
func (p *Proxy) Toxics(ctx context.Context) ([]runtime.Toxic, error) {
	resp, err := p.srv.send(ctx, http.MethodGet, "/proxies/"+url.PathEscape(p.name)+"/toxics", nil)
	if err != nil {
		return nil, fmt.Errorf("list toxics of %s: %w", p.name, err)
	}
	var ts toxiproxy.Toxics
	if err := json.Unmarshal(resp, &ts); err != nil {
		return nil, fmt.Errorf("list toxics of %s: decode: %w", p.name, err)
	}
	out := make([]runtime.Toxic, 0, len(ts))
	for _, t := range ts {
		out = append(out, runtime.Toxic{Name: t.Name, Type: t.Type, Stream: t.Stream, Toxicity: t.Toxicity, Attributes: t.Attributes})
	}
	return out, nil
}

// SetEnabled(false) closes every connection through the proxy and refuses
// new ones; SetEnabled(true) listens again.
func (p *Proxy) SetEnabled(ctx context.Context, enabled bool) error {
	body, _ := json.Marshal(map[string]bool{"enabled": enabled})
	if _, err := p.srv.send(ctx, http.MethodPatch, "/proxies/"+url.PathEscape(p.name), body); err != nil {
		verb := "disable"
		if enabled {
			verb = "enable"
		}
		return fmt.Errorf("%s proxy %s: %w", verb, p.name, err)
	}
	return nil
}

// SetUpstream points the proxy at addr. Connections open through it stay
// with the old upstream until they close.
func (p *Proxy) SetUpstream(ctx context.Context, addr string) error {
	body, _ := json.Marshal(map[string]string{"upstream": addr})
	if _, err := p.srv.send(ctx, http.MethodPatch, "/proxies/"+url.PathEscape(p.name), body); err != nil {
		return fmt.Errorf("point proxy %s at %s: %w", p.name, addr, err)
	}
	p.mu.Lock()
	p.upstream = addr
	p.mu.Unlock()
	return nil
}

// Delete removes the proxy from the server.
func (p *Proxy) Delete(ctx context.Context) error { return p.srv.Delete(ctx, p.name) }

func wire(t runtime.Toxic) toxiproxy.Toxic {
	w := toxiproxy.Toxic{Name: t.Name, Type: t.Type, Stream: t.Stream, Toxicity: t.Toxicity, Attributes: t.Attributes}
	if w.Toxicity == 0 {
		w.Toxicity = 1.0
	}
	if w.Stream == "" {
		w.Stream = "downstream"
	}
	if w.Name == "" {
		w.Name = w.Type + "_" + w.Stream
	}
	if w.Attributes == nil {
		w.Attributes = toxiproxy.Attributes{}
	}
	return w
}

// IsNotFound reports whether err is toxiproxy's 404 (no such proxy or toxic).
func IsNotFound(err error) bool {
	var apiErr *toxiproxy.ApiError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound
}
