// Package process is the runtime that needs nothing but this machine: it
// runs every node as a local child process on 127.0.0.1 and embeds the
// toxiproxy server in the framework's own process. It is the default where
// no Docker engine answers, and runs the very binaries runtime/docker puts
// into images (package build).
//
//	framework process (one per run)
//	┌───────────────────────────────────────────────┐
//	│ scenario ──toxi client──HTTP──▶ toxiproxy API │ 127.0.0.1:<free>
//	│                                  │ (embedded) │
//	│ probe client ──▶ proxy "driver" ─┘            │ 127.0.0.1:<free>
//	└────────────────────────│──────────────────────┘
//	                         │ upstream = Endpoint("7000").Internal
//	                         ▼
//	child process group (Setpgid, Pdeathsig SIGKILL)
//	┌───────────────────────────────────────────────┐
//	│ overlord ${LISTEN:7000} → 127.0.0.1:<free>    │ cwd   <run>/nodes/<name>
//	│   └── driver-v2 (next to the overlord binary) │ data  <run>/nodes/<name>/data
//	└───────────────────────────────────────────────┘ files <run>/nodes/<name>/files
//
// What it owns:
//
//   - Binaries. Build.Binary is run as it is (missing: runtime.ErrNoBinary);
//     Build.Package is built with build.Binary. A build with Extra gets a
//     directory <run>/bin/<software>-<version> holding hard links (or copies)
//     of the main binary and of every extra under its map key, so a program
//     finds its extras next to os.Executable(). Image and Dir builds are
//     Docker's (ErrDockerOnly).
//   - Ports. Each port in NodeSpec.Ports gets a free 127.0.0.1 port, or the
//     one NodeSpec.HostPorts pins (taken: runtime.ErrPortInUse), for the
//     node's whole life: "${LISTEN:7000}" in Args becomes 127.0.0.1:<port>
//     ("${HOST}" 127.0.0.1, "${PORT:7000}" <port>), Endpoint returns it as
//     both Internal and External, and Restart keeps it, so clients
//     reconnect to the same address. Reserve chooses them before the node
//     starts, so that other members of a cluster can be given them; Start
//     checks that they are still free. No host port goes to two nodes of
//     a run: a pin or a reservation of one that another node has fails
//     with runtime.ErrPortInUse naming both. Close ends the reservations.
//     A free port is drawn below the kernel's ephemeral range, where no
//     outgoing connection of the machine takes it between the choice and
//     the node's bind.
//   - Files. NodeSpec.Files are written, mode 0644, to
//     <run>/nodes/<name>/files/<file name> before the program starts
//     ("${FILE:<file name>}" in Args is that absolute path), and written
//     again, as Start was given them, before every Restart: what the old
//     program changed or added there is gone. A node without Files has no
//     such directory. Close removes them with the run's directory.
//   - Processes. A node is a process group: Signal, Pause (SIGSTOP), Resume
//     (SIGCONT), Stop (SIGTERM, grace, SIGKILL) act on the whole group;
//     Restart stops it the same way, with the grace WithRestartGrace sets
//     (runtime.DefaultRestartGrace, as for Docker), so a program's SIGTERM
//     handler runs before it is replaced. When the main process exits the
//     rest of its group is killed, as a container's processes die with its
//     PID 1. On Linux the kernel kills each main process if the framework
//     dies, even by SIGKILL; a program that starts children of its own
//     should do the same for them. Wait reports 128+n for a process killed
//     by signal n.
//   - Output. Stdout and stderr go to NodeSpec.Stdout/Stderr as they are
//     written, otherwise they are kept for Logs. A node that exits before it
//     is ready, or is not ready within ReadyTimeout, fails with
//     runtime.ErrNotReady quoting its last 20 lines.
//   - Proxies. The first Proxy call starts toxiproxy in-process with its API
//     on a free 127.0.0.1 port; proxies are made through that API with
//     package toxi, exactly as the Docker runtime makes them.
//   - Cleanup. Close kills every process group, waits for them, stops
//     toxiproxy and removes the run's directory, even after ctx has ended.
//
// Every listener binds 127.0.0.1 only.
//
//	rt, err := process.New(ctx, process.WithRunID(seed), process.WithLog(os.Stderr))
//	defer rt.Close(context.Background())
//	node, err := rt.Start(ctx, runtime.NodeSpec{
//		Name: "driver-0", Version: "v1", Software: sw,
//		Args:  []string{"-listen", "${LISTEN:7000}", "-data", "${DATA}"},
//		Ports: []string{"7000"}, Ready: "7000", DataDir: true,
//	})
//	px, err := rt.Proxy(ctx, "driver-0", node.Endpoint("7000"))
//	err = px.AddToxic(ctx, runtime.Toxic{Type: "latency", Attributes: map[string]any{"latency": 200}})
//	err = node.Restart(ctx, "v2") // same address, same data, new binary
//
// Example, in example_test.go, is this in full.
package process
