// Package conformance proves that the two runtimes behave alike: one suite
// of behavioural checks runs every runtime.Runtime operation against
// runtime/docker and runtime/process, so that a scenario written against
// the interface means the same thing on either. It holds only tests.
//
//	conformance_test.go
//	  for rt in {docker, process}:             (docker: fails without an
//	    one run, one echo node, one proxy       engine unless
//	    ┌─────────────────────────────────┐     HATEST_SKIP_DOCKER=1)
//	    │ client ──▶ Endpoint("7000")     │──▶ echo v1 ── -data ──▶ marker
//	    │ client ──▶ Proxy "echo" ────────│──▶   │ Restart("v2")
//	    └─────────────────────────────────┘      ▼
//	                                           echo v2, same data
//
// The program is the runtimes' shared test program,
// runtime/internal/rttest/testdata/echo, built from the same source by both
// runtimes (runtime.Build{Package: ..., LDFlags: "-X main.version=v1"}):
// it answers each line with "<version> <line>", stores and reads files in
// its data directory, and exits 0 on SIGTERM, after -term-delay, leaving
// "last-words" in its data directory.
//
// The checks, each on both runtimes, and what they observe (never that a
// method was called):
//
//	start      a node at v1 answers "v1 ..." on Endpoint("7000").External
//	proxy      a client through the proxy's External gets the same answer
//	latency    a 200 ms latency toxic makes a round trip take ≥ 200 ms;
//	           removing it makes one fast again
//	partition  SetEnabled(false) breaks open connections and refuses new
//	           requests while the node still answers directly;
//	           SetEnabled(true) heals the link
//	logs       Logs holds what the program wrote to stdout and stderr
//	pause      SIGSTOP/SIGCONT and Pause/Resume: requests time out while
//	           the node is stopped and succeed after
//	restart    Restart("v2"): replies say v2, directly and through the
//	           proxy, and a file written before is still there; the v1
//	           program got SIGTERM and its handler, which takes 300 ms,
//	           ran to the end (its last-words file is there); the
//	           node's endpoints are the same as before
//	sigkill    Wait returns 137; open and new connections fail
//	sigterm    the program exits 0 and Wait says so
//	stop       Stop(grace) lets the program exit 0 within the grace
//	missing    a build the runtime cannot find: ErrMissingImage (docker) or
//	           ErrNoBinary (process), naming it
//	invalid    a spec NodeSpec.Validate refuses (a port not in Ports, a
//	           bad file name, a ${FILE:..} not in Files, ...): Reserve and
//	           Start refuse it at once, in Validate's words
//	notready   a program that never listens: ErrNotReady naming the node
//	           and quoting its output
//	hostport   NodeSpec.HostPorts: the node answers on the pinned
//	           127.0.0.1 port, before and after Restart, and the port is
//	           not taken on the host's other addresses; a taken port fails
//	           Start with ErrPortInUse naming it
//	cluster    two drivers reserved, each replicating from the other's
//	           reserved address, started at once: Internal == reserved,
//	           each synced from the other, again after one restarts
//	files      the example server (fixtures/example/server) started with
//	           NodeSpec.Files {"kv.log": ...} and -data "${FILE:kv.log}/.."
//	           serves the write the file holds; after it appends to the
//	           file, Restart puts the file back as given
//	close      Close leaves nothing of the run (docker: no container,
//	           network or volume labelled hatest.run=<id>; process: no
//	           process of the run in /proc, no run directory), and a second
//	           Close is harmless
//
// Run it with
//
//	go test -count=1 -v ./framework/runtime/conformance/
//
// Where the runtimes differ in ways the interface leaves open, the checks
// assert only what runtime.Runtime (or, for Logs across a restart, both
// runtimes' docs) promise, and log the rest.
package conformance
