// Package runtime is the one interface through which scenarios start the
// system under test, whatever runs it: runtime/docker (containers built FROM
// scratch, networks, toxiproxy in a container) or runtime/process (local
// child processes on 127.0.0.1 with toxiproxy embedded in-process).
//
//	framework ──Start──▶ Node (driver, overlord, client)
//	    │                  ▲
//	    └──Proxy──▶ toxiproxy ──▶ Node.Endpoint("7000").Internal
//
// A scenario written against Runtime runs unchanged on both. A NodeSpec
// says what to start; both runtimes check it with NodeSpec.Validate and
// fill in its "${LISTEN:port}", "${PORT:port}", "${HOST}", "${DATA}" and
// "${FILE:name}" with NodeSpec.ExpandArgs. NodeSpec.Files are small files,
// a configuration file for a product that takes some settings only from
// one, that each runtime puts where the program reads them before it
// starts, and again before every Restart:
//
//	Files: map[string]string{"nats.conf": "lame_duck_duration: 30s\n"},
//	Args:  []string{"-c", "${FILE:nats.conf}"}, // /hatest/files/nats.conf in Docker
//
//	name, why, err := auto.Choose(ctx, "auto") // docker when an engine answers
//	rt, err := auto.New(ctx, name, runID)      // or docker.New, process.New
//	defer rt.Close(context.Background())
//	node, err := rt.Start(ctx, runtime.NodeSpec{
//		Name: "driver", Version: "v1", Software: driver,
//		Args:  []string{"-listen", "${LISTEN:7000}", "-data", "${DATA}"},
//		Ports: []string{"7000"}, Ready: "7000", DataDir: true,
//	})
//	px, err := rt.Proxy(ctx, "driver", node.Endpoint("7000"))
//
// Members of a cluster name each other's addresses in their arguments.
// Reserve fixes a node's internal address per port before it starts (its
// alias in Docker, a free 127.0.0.1 port for a process), and
// ExpandMembers writes those addresses into each member's arguments
// ("${ADDR:e1:6222}", "${OTHERS:6222:nats}") before Start:
//
//	ValidateMembers(args, names, ports)      the templates; no address yet
//	Reserve(e1) Reserve(e2) Reserve(e3) ──▶ Members{Names, Addrs}
//	ExpandMembers(args, "e1", m) ──▶ Start(e1) ─┐  every member at once;
//	ExpandMembers(args, "e2", m) ──▶ Start(e2) ─┤  Start fills in ${HOST},
//	ExpandMembers(args, "e3", m) ──▶ Start(e3) ─┘  ${PORT:p}, ${LISTEN:p}
//
//	m := runtime.Members{Names: []string{"e1", "e2", "e3"}, Addrs: map[string]map[string]string{}}
//	for _, name := range m.Names {
//		m.Addrs[name], err = rt.Reserve(runtime.NodeSpec{Name: name, Ports: []string{"4222", "6222"}})
//	}
//	args, err := runtime.ExpandMembers([]string{"-a", "${HOST}", "-p", "${PORT:4222}",
//		"--cluster", "nats://${HOST}:${PORT:6222}", "--routes", "${OTHERS:6222:nats}"}, "e2", m)
//
// Example, in example_test.go, is this in full; ExampleNodeSpec_Validate
// and ExampleNodeSpec_ExpandArgs show what a runtime does with a spec,
// ExampleExpandMembers what a member of a cluster is started with.
package runtime
