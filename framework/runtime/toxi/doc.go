// Package toxi is the client side of toxiproxy shared by both runtimes: it
// talks to a toxiproxy server's HTTP API and hands out proxies that satisfy
// runtime.Proxy.
//
//	framework ──HTTP API (:8474)──▶ toxiproxy server
//	                                    │ listen ──▶ upstream
//	client ──────── Endpoint ───────────┘            (node's Endpoint.Internal)
//
// The server runs wherever the runtime puts it: in a container built from
// github.com/Shopify/toxiproxy/v2/cmd/server (runtime/docker) or embedded in
// the test process (runtime/process). Only the API address and how clients
// reach a proxy differ, so a Proxy carries the runtime.Endpoint its runtime
// gives it (SetEndpoint); by default both halves are the listen address the
// server reports.
//
//	srv := toxi.New("http://127.0.0.1:8474")
//	p, err := srv.CreateProxy(ctx, "driver", "127.0.0.1:0", "127.0.0.1:7000")
//	err = p.AddToxic(ctx, runtime.Toxic{Type: "latency", Attributes: map[string]any{"latency": 200}})
//	err = p.SetEnabled(ctx, false) // partition: closes connections, refuses new ones
//	err = p.SetEnabled(ctx, true)  // heal
//
// Example, in example_test.go, runs this against a toxiproxy server
// embedded in the test.
//
// Every call takes a context and honours its deadline (the upstream client
// package has none; this package speaks the same JSON API with its types).
// A Toxic with Toxicity 0 is sent as 1.0: toxiproxy treats 0 as "never".
// A Toxic with no Name is named "<type>_<stream>", as toxiproxy does, so
// RemoveToxic can find it.
package toxi
