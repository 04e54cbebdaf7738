// Package health holds readiness checks: whether a cluster member or a
// program is ready to serve. The framework waits on them at start (a
// cluster is ready when every member passes its check) and between the
// steps of an upgrade (a member must pass before the next one goes).
//
// A check runs on the host, in the framework's process, against a node's
// External endpoints, so the same check works on both runtimes: Docker
// containers with published ports and local processes. An Addresser
// tells it where a port of the node is reached from the host.
//
//	declaration                        run
//	───────────                        ───
//	health.HTTP("8222", "/healthz")    Wait(ctx, check, at, timeout, every)
//	  .BodyContains("ok")                │   every 50 ms until it passes
//	     │                               ▼
//	     ├─ String() ─► plans, errors   Probe(ctx, at) ── at("8222") ──► "127.0.0.1:49123"
//	     └─ Ports() ──► Validate            │                                  │
//	        against the node's ports        └──── GET /healthz ───────────────►│ node
//	                                              nil = ready, else what it saw
//
// # Checks
//
//   - TCP(port): the node accepts a connection on port and keeps it open
//     for 100 ms or greets. Docker's userland proxy accepts connections on
//     a published port before anybody listens inside and then closes
//     them, so connecting alone proves nothing there.
//   - HTTP(port, path): GET answers 200 (or Status(code)), and the body
//     passes every Body or BodyContains predicate. Each attempt has 1 s
//     (Timeout), reads at most 64 KB of body, and follows no redirect.
//   - Command(args...): a program run on the host exits 0. "${ADDR:8222}"
//     in an argument becomes the host:port of port 8222. Each attempt has
//     5 s (Timeout); the program's process group is then killed.
//
// Probe makes one attempt; errors say what the attempt saw, quoting at
// most a short single line of a body or of a program's output. Wait
// polls and says what it waited for:
//
//	not ready after 30s: HTTP GET :8222/healthz answers 200 (last check: GET http://127.0.0.1:49123/healthz: 503 Service Unavailable, want 200 (body: "starting"))
//
// Validate, at declaration time, turns a check on a port the node does
// not declare into a one-line error instead of a 30 s timeout.
//
// # Example
//
// Example, in example_test.go, runs this against a real HTTP server:
//
//	check := health.HTTP("8222", "/healthz").BodyContains("ok")
//	if err := health.Validate(check, spec.Ports); err != nil {
//		return err // at declaration
//	}
//	at := func(port string) string { return node.Endpoint(port).External }
//	if err := health.Wait(ctx, check, at, 0, 0); err != nil {
//		return fmt.Errorf("start %s: %w", node.Name(), err)
//	}
package health
