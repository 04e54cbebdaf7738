package process_test

import (
	"context"
	"fmt"
	"os"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/process"
)

// A driver as a local process, a proxy with latency in front of it, and an
// upgrade in place.
func Example() {
	ctx := context.Background()
	rt, err := process.New(ctx, process.WithRunID("example"), process.WithLog(os.Stderr))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close(context.Background())
	sw := runtime.Software{Name: "driver", Versions: map[string]runtime.Build{
		"v1": {Package: "github.com/hatest/hatest/fixtures/driver", LDFlags: "-X main.version=v1"},
		"v2": {Package: "github.com/hatest/hatest/fixtures/driver", LDFlags: "-X main.version=v2"},
	}}
	node, err := rt.Start(ctx, runtime.NodeSpec{
		Name: "driver-0", Version: "v1", Software: sw,
		Args:  []string{"-listen", "${LISTEN:7000}", "-data", "${DATA}"},
		Ports: []string{"7000"}, Ready: "7000", DataDir: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	px, err := rt.Proxy(ctx, "driver-0", node.Endpoint("7000"))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := px.AddToxic(ctx, runtime.Toxic{Type: "latency", Attributes: map[string]any{"latency": 200}}); err != nil {
		fmt.Println(err)
		return
	}
	if err := node.Restart(ctx, "v2"); err != nil { // same address, same data, new binary
		fmt.Println(err)
		return
	}
	fmt.Println(node.Name(), node.Version(), "at", node.Endpoint("7000").External, "behind", px.Endpoint().External)
}
