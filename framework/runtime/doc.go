// Package runtime is the one interface through which scenarios start the
// system under test, whatever runs it: runtime/docker (containers built FROM
// scratch, networks, toxiproxy in a container) or runtime/process (local
// child processes on 127.0.0.1 with toxiproxy embedded in-process).
//
//	framework ──Start──▶ Node (driver, overlord, client)
//	    │                  ▲
//	    └──Proxy──▶ toxiproxy ──▶ Node.Endpoint("7000").Internal
//
// A scenario written against Runtime runs unchanged on both.
//
//	rt, _ := docker.New(ctx)
//	defer rt.Close(context.Background())
//	node, err := rt.Start(ctx, runtime.NodeSpec{Name: "driver", Version: "v1", ...})
package runtime
