// Package setup is a suite of scenarios that cannot start, one per kind of
// environment error, and one that runs long enough to be interrupted. The
// tests of cmd/hatest run it through `hatest run` (setup_test.go,
// interrupt_test.go); it lives under testdata so that ./... leaves it out.
//
//	hatest run --runtime process --focus 'missing binary' ./cmd/hatest/testdata/setup
//
// The scenarios:
//
//	port in use     the example server pinned (scenario.HostPort) to the
//	                port in $HATEST_SETUP_BUSY_PORT, which the test holds
//	missing binary  a Build whose Binary is a path where nothing is
//	missing image   a Build whose Image the engine does not have
//	never ready     testdata/setup/mute, which prints a line and never
//	                listens, with a 3 s ReadyTimeout
//	cluster ...     a cluster of two that cannot start: a template naming
//	                a stranger, one host port pinned twice, members never
//	                ready
//	partition ..., loss of 150%, ring of two
//	                faults below the proxy on that cluster, refused before
//	                anything starts: a stranger, a share out of range, a
//	                ring too small, no quorum, the process runtime
//	delay without netem
//	                a delay on Docker, on a kernel without sch_netem
//	long            the example server and one client for five minutes: a run
//	                to interrupt
//	flaky           fails its first attempt, passes the next
//	verdicts: ...   the example server with a 400 ms proxy outage (to breach
//	                a budget), and with testdata/setup/liar as its client,
//	                whose op log has a gap or whose ops are all late: runs
//	                that must be INVALID
package setup
