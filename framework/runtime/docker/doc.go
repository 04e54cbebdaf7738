// Package docker runs the system under test in containers: the Docker
// implementation of runtime.Runtime, on testcontainers-go and the Docker
// client, for an engine that can never pull an image.
//
//	host (framework, 127.0.0.1 only)          network hatest-<run>
//	                                       ┌────────────────────────────────────┐
//	Endpoint.External 127.0.0.1:<pub> ───▶ │ sandbox of driver (alias driver,   │
//	                                       │   its IP, publishes :7000)         │
//	                                       │   ▲ joined by the driver program   │
//	Proxy.External    127.0.0.1:<pub> ───▶ │ toxiproxy :8000..8015 ──▶ <driver's IP>:7000
//	toxi API          127.0.0.1:<pub> ───▶ │ toxiproxy :8474                    │
//	                                       │ client ──▶ toxiproxy:8000          │
//	                                       └────────────────────────────────────┘
//
// Usage:
//
//	rt, err := docker.New(ctx, docker.WithLog(os.Stderr))
//	if errors.Is(err, runtime.ErrNoEngine) { ... use runtime/process ... }
//	defer rt.Close(context.Background())
//	n, err := rt.Start(ctx, runtime.NodeSpec{
//		Name: "driver", Version: "v1", Software: driver,
//		Args: []string{"-listen", "${LISTEN:7000}", "-data", "${DATA}"},
//		Ports: []string{"7000"}, Ready: "7000", DataDir: true,
//	})
//	p, err := rt.Proxy(ctx, "driver", n.Endpoint("7000"))
//	err = n.Restart(ctx, "v2")
//
// Example, in example_test.go, is this in full.
//
// # Images
//
// Nothing is ever pulled. A Build's Image must already be in the engine
// (else runtime.ErrMissingImage). A Package is built with build.Binary into
// an image FROM scratch holding the binary as /<software name> (its
// ENTRYPOINT) and each Extra binary as /<key>, tagged
// hatest/<software>:<version>-<sha12 of the content>; a Dir is built from its
// Dockerfile, tagged by a hash of the directory. Tags are inspected first
// and built only when missing, with the classic builder, once per process
// however many nodes use them. Images are a cache: Close leaves them.
// toxiproxy (hatest/toxiproxy:<sha12>), the sandboxes' pause program
// (hatest/pause:<sha12>, package
// github.com/hatest/hatest/framework/runtime/docker/pause) and the
// netfault sidecars' program (hatest/netfault:<sha12>) are built the same
// way, in the module under test, which needs nothing but hatest.
//
// # Containers
//
// Every node but toxiproxy has a network sandbox, as a Kubernetes pod
// has: a container hatest-sandbox-<run>-<name> running only the pause
// program (package docker/pause, built like toxiproxy into an image FROM
// scratch; no capabilities, read-only) that owns the node's network
// namespace for the node's whole life. The sandbox is on the run's network
// with the alias <name> and a fixed IP, and publishes the node's ports.
// The program runs in the container hatest-<run>-<name>, which joins the
// sandbox's namespace (NetworkMode "container:<sandbox>") and has no
// network, alias or published port of its own. So when the program exits,
// by itself or stopped, its ports refuse connections at once: the address
// stays and the kernel answers, where an exited container's address would
// vanish and swallow every dial, holding toxiproxy (which dials upstream
// in its accept loop, without a deadline) and its API. Restart's new
// container joins the same sandbox: the same IP, the same published ports
// (External endpoints do not change), nothing to re-point.
//
// A proxy in front of a node dials the node's IP on the run network, not
// its alias: toxiproxy dials its upstream for every connection, and a
// name lookup there would put Docker's embedded DNS, whose lost packets
// cost 5 s, in the data path.
//
// "${LISTEN:7000}" in Args becomes ":7000" ("${HOST}" 0.0.0.0,
// "${PORT:7000}" 7000) and "${DATA}" becomes /data, a named volume that
// survives Restart. NodeSpec.Files are copied, mode 0644, to
// /hatest/files/<file name> ("${FILE:<file name>}") in the created
// container before it starts, through the engine's archive API, so no
// shell or tool is needed in the image; Restart's new container gets them
// again, as Start was given them. Reserve returns "<name>:<port>", the
// alias, with no side effects: inside the network every node has its own
// ports, so nothing needs holding, and a member of a cluster can name
// another before it starts (the name resolves once its sandbox runs).
// Ports are published on 127.0.0.1 only, on a free host port or on the
// one NodeSpec.HostPorts pins (taken: runtime.ErrPortInUse, naming it); no
// container is privileged or on the host network. Restart stops the old
// container with SIGTERM and the restart grace (WithRestartGrace,
// runtime.DefaultRestartGrace). Signal, Pause, Resume, Stop, Wait and
// Logs act on the program's container; the sandbox runs on.
// docker-init runs as PID 1 (HostConfig.Init) and forwards signals.
// SIGSTOP cannot be forwarded (docker-init itself would stop and the program
// would go on serving), so Signal(SIGSTOP) and Signal(SIGCONT) freeze and
// thaw the container with the cgroup freezer, like Pause and Resume. Stop
// measures its grace itself (docker stop rounds it to whole seconds).
// Output is followed from the moment the container starts and written to
// NodeSpec.Stdout and Stderr, or kept for Logs; Wait, Stop, Restart and
// Close return only after it is drained, every byte of it: the engine's
// follow stream can end at the container's exit before the last of the
// output is delivered, so the log is read again after the exit from the
// last entry delivered (see output.go).
//
// Readiness is the program's, not the container's: with Docker's userland
// proxy a published port accepts connections before the program listens,
// so the Ready probe (health.TCP) dials the sandbox's published port and
// counts an immediate EOF as "not yet"; ReadyHTTP is health.HTTP through
// the same address.
//
// # Faults below the proxy
//
// Runtime is a runtime.NetFaulter. A node's faults below the proxy are
// set by its netfault sidecar, hatest-netfault-<run>-<name>: a container
// of the netfault program (package docker/netfault, built like pause into
// an image FROM scratch) that joins the sandbox's network namespace (for
// toxiproxy, its own container's) with NET_ADMIN and no other capability,
// no new privileges and a read-only root. Its main process only waits;
// each fault and each heal is a Docker exec of the program, which sets or
// removes an nftables table or a root qdisc over netlink and prints when
// the kernel took it (runtime.Span). NetReady starts the sidecars of the
// nodes it names at once (the runner calls it before the first client of
// a plan with such faults); otherwise a node's first fault starts its
// sidecar. A sidecar lives as long as the sandbox, so the rules in force
// survive Restart. Whether the kernel has sch_netem is asked once,
// by a throwaway sidecar with no network; without it, the netem kinds fail
// with an error wrapping runtime.ErrUnsupported that names what is missing.
// See netfault.go.
//
// # Cleanup
//
// Every container (sandboxes too), network and volume carries the labels
// hatest.run=<run>, hatest.pid=<pid> and hatest.host=<hostname>. Close
// removes all of them on a fresh context, each node's netfault sidecar
// and program's container before its sandbox, and the sandbox of a node
// that failed to start. A process that dies through os.Exit or a signal cannot;
// Sweep, which New calls, removes what processes that no longer run on this
// host left behind.
//
// # Environment
//
// New sets, before testcontainers-go first reads its configuration:
//
//   - TESTCONTAINERS_RYUK_DISABLED=true: Ryuk is an image and cannot be
//     pulled; the labels and Sweep replace it ("1" would re-enable it).
//   - DOCKER_AUTH_CONFIG={} when unset: no credential helper is consulted.
//   - TESTCONTAINERS_HOST_OVERRIDE=localhost when unset and the engine is
//     local: with /.dockerenv present, testcontainers-go would otherwise dial
//     the network gateway and every wait would time out.
//
// The engine is the one DOCKER_HOST names, or the default socket; External
// endpoints are 127.0.0.1, so it must run on this host.
package docker
