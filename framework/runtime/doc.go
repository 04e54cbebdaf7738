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
// fill in its "${LISTEN:port}" and "${DATA}" with NodeSpec.ExpandArgs.
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
// Example, in example_test.go, is this in full; ExampleNodeSpec_Validate
// and ExampleNodeSpec_ExpandArgs show what a runtime does with a spec.
package runtime
