// Package rttest is what the runtimes' tests share: the test program
// testdata/echo, which the tests of runtime/docker and runtime/process and
// the conformance suite all run, and the helpers their checks are made of.
// It is test code, imported only by _test.go files; its Must* helpers,
// FreePort, PIDs, DockerLeftovers and NeedDocker fail the test they are
// given.
//
//	docker_test.go ───┐
//	process_test.go ──┼─▶ rttest ─┬─ Echo, EchoSpec ─────────▶ testdata/echo, built
//	conformance_test ─┘           │                            by either runtime
//	                              ├─ Ask, MustAsk, MustFail ─▶ a node or proxy address
//	                              └─ PIDs, ProcStat, Alive, ─▶ what a run leaves on
//	                                 DockerLeftovers             this machine
//
// The program's doc comment lists its flags and the lines it answers; a
// node of it at v1 answers "ping" with "v1 ping":
//
//	spec := rttest.EchoSpec("echo", "v1", "-data", "${DATA}", "-term-delay", "300ms")
//	spec.DataDir = true
//	n, err := rt.Start(ctx, spec)
//	rttest.MustAsk(t, n.Endpoint("7000").External, "ping", "v1 ping")
//	err = rttest.MustFail(t, proxyAddr, "disabled proxy", time.Second) // the error the client saw
package rttest
