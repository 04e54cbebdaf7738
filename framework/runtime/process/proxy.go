//go:build unix

package process

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/hatest/hatest/framework/runtime/toxi"
)

// embedded is a toxiproxy server running in this process, with its HTTP
// API on a free 127.0.0.1 port so that package toxi drives it exactly as
// it drives the server in a container.
type embedded struct {
	api    *toxiproxy.ApiServer
	hs     *http.Server
	client *toxi.Server
	served chan struct{}
}

// toxiproxy returns the client of the embedded server, starting the server
// on the first call.
func (r *Runtime) toxiproxy() (*toxi.Server, error) {
	r.tpMu.Lock()
	defer r.tpMu.Unlock()
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if r.tp != nil {
		return r.tp.client, nil
	}
	logger := zerolog.Nop()
	if r.cfg.log != nil {
		logger = zerolog.New(zerolog.ConsoleWriter{Out: r.cfg.log, NoColor: true, TimeFormat: time.TimeOnly}).
			Level(zerolog.WarnLevel).With().Timestamp().Str("component", "toxiproxy").Logger()
	}
	api := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), logger)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start toxiproxy: %w", err)
	}
	e := &embedded{
		api: api,
		// The same timeouts as toxiproxy's own Listen.
		hs: &http.Server{
			Handler:           api.Routes(),
			ReadHeaderTimeout: 15 * time.Second,
			ReadTimeout:       15 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       60 * time.Second,
		},
		client: toxi.New("http://" + ln.Addr().String()),
		served: make(chan struct{}),
	}
	go func() {
		defer close(e.served)
		_ = e.hs.Serve(ln)
	}()
	r.tp = e
	r.logf("toxiproxy API on %s", e.client.URL())
	return e.client, nil
}

// ToxiproxyURL returns the URL of the embedded toxiproxy's HTTP API, or
// "" before the first Proxy call.
func (r *Runtime) ToxiproxyURL() string {
	r.tpMu.Lock()
	defer r.tpMu.Unlock()
	if r.tp == nil {
		return ""
	}
	return r.tp.client.URL()
}

// close stops the API (closing its listener and connections) and every
// proxy (closing their listeners and links).
func (e *embedded) close() error {
	// Shutdown lets a request in flight finish, so that no proxy is added
	// after Clear; Close then drops whatever is left.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = e.hs.Shutdown(ctx)
	err := e.hs.Close()
	<-e.served
	err = errors.Join(err, e.api.Collection.Clear())
	if err != nil {
		return fmt.Errorf("close toxiproxy: %w", err)
	}
	return nil
}
