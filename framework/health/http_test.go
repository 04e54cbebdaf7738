package health

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// node serves h on 127.0.0.1 and returns the Addresser of its port 8222.
func node(t *testing.T, h http.HandlerFunc) Addresser {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return Map(map[string]string{"8222": strings.TrimPrefix(srv.URL, "http://")})
}

func answer(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(code)
		w.Write([]byte(body))
	}
}

func TestHTTP(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		check   HTTPCheck
		handler http.HandlerFunc
		want    string // "" for ready, else a part of the error
	}{
		{"200", HTTP("8222", "/healthz"), answer(200, ""), ""},
		{"path without slash", HTTP("8222", "healthz"), func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/healthz" {
				w.WriteHeader(404)
			}
		}, ""},
		{"wrong status", HTTP("8222", "/healthz"), answer(503, "starting\nplease wait\n"),
			`/healthz: 503 Service Unavailable, want 200 (body: "starting please wait")`},
		{"other status wanted", HTTP("8222", "/healthz").Status(204), answer(204, ""), ""},
		{"other status wanted, 200 answered", HTTP("8222", "/healthz").Status(204), answer(200, "ok"),
			`200 OK, want 204 (body: "ok")`},
		{"body contains", HTTP("8222", "/").BodyContains("ok"), answer(200, `{"status":"ok"}`), ""},
		{"body lacks", HTTP("8222", "/").BodyContains("ok"), answer(200, `{"status":"starting"}`),
			`200 OK, want a body containing "ok", got "{"status":"starting"}"`},
		{"second predicate fails", HTTP("8222", "/").BodyContains("a").BodyContains("b"), answer(200, "a"),
			`want a body containing "b", got "a"`},
		{"redirect is not followed", HTTP("8222", "/"), func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}, "302 Found, want 200"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.check.Probe(context.Background(), node(t, tc.handler))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Probe = %v, want ready", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Probe = %v, want it to contain %s", err, tc.want)
			}
		})
	}
}

// A body predicate fails while the node starts, then passes: Probe says
// what it saw, and Wait returns once the node is ready.
func TestHTTPBodyFlips(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	at := node(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 3 {
			w.Write([]byte("starting"))
			return
		}
		w.Write([]byte("ok"))
	})
	check := HTTP("8222", "/healthz").BodyContains("ok")
	err := check.Probe(context.Background(), at)
	if err == nil || !strings.HasSuffix(err.Error(), `/healthz: 200 OK, want a body containing "ok", got "starting"`) {
		t.Fatalf("first Probe = %v", err)
	}
	if err := Wait(context.Background(), check, at, 5*time.Second, 5*time.Millisecond); err != nil {
		t.Fatalf("Wait = %v", err)
	}
	if got := n.Load(); got != 4 {
		t.Errorf("the node answered %d requests, want 4 (ready at the 4th)", got)
	}
}

func TestHTTPReadsAtMostMaxBody(t *testing.T) {
	t.Parallel()
	line := strings.Repeat("x", 99) + "\n"
	at := node(t, answer(200, strings.Repeat(line, 10_000))) // 1 MB
	var seen atomic.Int64
	check := HTTP("8222", "/").Body("of 1 MB", func(b []byte) bool {
		seen.Store(int64(len(b)))
		return false
	})
	err := check.Probe(context.Background(), at)
	if seen.Load() != MaxBody {
		t.Errorf("the predicate saw %d bytes, want %d", seen.Load(), MaxBody)
	}
	// The error quotes one short line of it.
	if err == nil {
		t.Fatal("Probe = nil, want the predicate's failure")
	}
	msg := err.Error()
	i := strings.Index(msg, `got "`)
	if i < 0 || strings.Contains(msg, "\n") {
		t.Fatalf("Probe = %q, want one line quoting the body", msg)
	}
	quoted := strings.TrimSuffix(msg[i+len(`got "`):], `"`)
	if n := utf8.RuneCountInString(quoted); n > excerptLen || !strings.HasSuffix(quoted, "…") {
		t.Errorf("the excerpt has %d characters, want at most %d ending in …: %q", n, excerptLen, quoted)
	}
}

func TestHTTPTimeout(t *testing.T) {
	t.Parallel()
	at := node(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	start := time.Now()
	err := HTTP("8222", "/").Timeout(50*time.Millisecond).Probe(context.Background(), at)
	if took := time.Since(start); took > time.Second {
		t.Errorf("Probe took %v with a 50ms timeout", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Probe = %v, want the deadline", err)
	}
}

func TestHTTPNothingListening(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	err := HTTP("8222", "/healthz").Probe(context.Background(), Map(map[string]string{"8222": addr}))
	if err == nil || !strings.Contains(err.Error(), "http://"+addr+"/healthz") || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("Probe = %v", err)
	}
}

func TestHTTPString(t *testing.T) {
	t.Parallel()
	valid := func(b []byte) bool { return bytes.HasPrefix(b, []byte("{")) }
	base := HTTP("8222", "/healthz").BodyContains("ok")
	// Each method returns a copy: two checks made from one do not share.
	a := base.Body("that is JSON", valid)
	b := base.Status(204).Body("that is short", func(b []byte) bool { return len(b) < 10 })
	for _, tc := range []struct {
		c    HTTPCheck
		want string
	}{
		{HTTP("8222", "/healthz"), "HTTP GET :8222/healthz answers 200"},
		{base, `HTTP GET :8222/healthz answers 200 with a body containing "ok"`},
		{a, `HTTP GET :8222/healthz answers 200 with a body containing "ok" and that is JSON`},
		{b, `HTTP GET :8222/healthz answers 204 with a body containing "ok" and that is short`},
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("String = %s, want %s", got, tc.want)
		}
	}
}
