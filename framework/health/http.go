package health

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	// DefaultHTTPTimeout bounds one HTTP attempt, body included, unless
	// HTTPCheck.Timeout says otherwise.
	DefaultHTTPTimeout = time.Second
	// MaxBody is how much of a response body an HTTP check reads; a body
	// predicate sees at most this much.
	MaxBody = 64 << 10
)

// httpClient makes one connection per attempt, through no proxy, and
// follows no redirect: a check sees the status the node answers.
var httpClient = &http.Client{
	Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil},
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// HTTPCheck is an HTTP GET of a path on a port of the node. It is a
// value: each method returns a changed copy.
type HTTPCheck struct {
	port, path string
	status     int
	timeout    time.Duration
	bodies     []bodyCheck
}

type bodyCheck struct {
	desc string
	ok   func(body []byte) bool
}

var _ Check = HTTPCheck{}

// HTTP is ready when GET http://<at(port)><path> answers 200 (or the code
// of Status) and every body predicate holds. Redirects are not followed.
// Each attempt has DefaultHTTPTimeout unless Timeout says otherwise. A
// path that does not start with "/" gets one.
func HTTP(port, path string) HTTPCheck {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return HTTPCheck{port: port, path: path, status: http.StatusOK, timeout: DefaultHTTPTimeout}
}

// Status makes code the status that means ready, instead of 200.
func (c HTTPCheck) Status(code int) HTTPCheck {
	c.status = code
	return c
}

// Timeout bounds each attempt, body included, instead of
// DefaultHTTPTimeout.
func (c HTTPCheck) Timeout(d time.Duration) HTTPCheck {
	c.timeout = d
	return c
}

// Body adds a predicate the body (its first MaxBody bytes) must satisfy.
// desc completes "with a body ..." in String: "that is valid JSON".
func (c HTTPCheck) Body(desc string, ok func(body []byte) bool) HTTPCheck {
	c.bodies = append(c.bodies[:len(c.bodies):len(c.bodies)], bodyCheck{desc: desc, ok: ok})
	return c
}

// BodyContains adds the predicate that the body contains s.
func (c HTTPCheck) BodyContains(s string) HTTPCheck {
	return c.Body("containing "+strconv.Quote(s), func(b []byte) bool { return bytes.Contains(b, []byte(s)) })
}

// String is `HTTP GET :8222/healthz answers 200 with a body containing "ok"`.
func (c HTTPCheck) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "HTTP GET :%s%s answers %d", c.port, c.path, c.status)
	for i, b := range c.bodies {
		if i == 0 {
			sb.WriteString(" with a body ")
		} else {
			sb.WriteString(" and ")
		}
		sb.WriteString(b.desc)
	}
	return sb.String()
}

func (c HTTPCheck) Ports() []string { return []string{c.port} }

func (c HTTPCheck) validate() error {
	switch {
	case c.port == "" && c.path == "":
		return errors.New("empty; make it with health.HTTP(port, path)")
	case c.status < 100 || c.status > 599:
		return fmt.Errorf("status %d is not an HTTP status (100-599)", c.status)
	case c.timeout <= 0:
		return fmt.Errorf("timeout %v is not positive", c.timeout)
	}
	for _, b := range c.bodies {
		if b.ok == nil {
			return fmt.Errorf("body predicate %q is nil", b.desc)
		}
	}
	return nil
}

// Probe makes one GET and reads at most MaxBody bytes of the body.
func (c HTTPCheck) Probe(ctx context.Context, at Addresser) error {
	if err := c.validate(); err != nil {
		return err
	}
	addr, err := address(at, c.port)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	url := "http://" + addr + c.path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err // already "Get \"<url>\": ..."
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	if err != nil {
		return fmt.Errorf("GET %s: %s: read body: %w", url, resp.Status, err)
	}
	if resp.StatusCode != c.status {
		return fmt.Errorf("GET %s: %s, want %d (body: %s)", url, resp.Status, c.status, excerpt(body))
	}
	for _, b := range c.bodies {
		if !b.ok(body) {
			return fmt.Errorf("GET %s: %s, want a body %s, got %s", url, resp.Status, b.desc, excerpt(body))
		}
	}
	return nil
}
