package runtime_test

import (
	"context"
	"fmt"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/auto"
)

// driverBehindProxy is written against Runtime alone: it runs unchanged on
// containers and on local processes. Clients connect to the proxy.
func driverBehindProxy(ctx context.Context, rt runtime.Runtime, driver runtime.Software) (runtime.Proxy, error) {
	node, err := rt.Start(ctx, runtime.NodeSpec{
		Name: "driver", Version: "v1", Software: driver,
		Args:  []string{"-listen", "${LISTEN:7000}", "-data", "${DATA}"},
		Ports: []string{"7000"}, Ready: "7000", DataDir: true,
	})
	if err != nil {
		return nil, err
	}
	return rt.Proxy(ctx, "driver", node.Endpoint("7000"))
}

// Docker when an engine answers, local processes otherwise.
func Example() {
	ctx := context.Background()
	name, why, err := auto.Choose(ctx, "auto")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(why)
	rt, err := auto.New(ctx, name, "example")
	if rt != nil {
		defer rt.Close(context.Background())
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	driver := runtime.Software{Name: "driver", Versions: map[string]runtime.Build{
		"v1": {Package: "github.com/hatest/hatest/fixtures/driver", LDFlags: "-X main.version=v1"},
	}}
	px, err := driverBehindProxy(ctx, rt, driver)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("clients connect to", px.Endpoint().External)
}

// Both runtimes refuse a spec before they start anything, with the same
// words.
func ExampleNodeSpec_Validate() {
	spec := runtime.NodeSpec{
		Name:  "driver",
		Args:  []string{"-listen", "${LISTEN:7000}", "-peer", "${LISTEN:7001}"},
		Ports: []string{"7000"}, Ready: "7000",
	}
	fmt.Println(spec.Validate())
	spec.Ports = append(spec.Ports, "7001")
	fmt.Println(spec.Validate())
	// Output:
	// argument "${LISTEN:7001}": port 7001 is not in Ports [7000]: add it there
	// <nil>
}

// What a program is started with, in a container and as a local process.
func ExampleNodeSpec_ExpandArgs() {
	spec := runtime.NodeSpec{
		Name:  "driver",
		Args:  []string{"-listen", "${LISTEN:7000}", "-data", "${DATA}", "-c", "${FILE:driver.conf}"},
		Ports: []string{"7000"}, DataDir: true,
		Files: map[string]string{"driver.conf": "lame_duck: 30s\n"},
	}
	container := func(port string) string { return ":" + port }
	local := func(port string) string { return "127.0.0.1:41234" } // the free port chosen for it
	fmt.Println(spec.ExpandArgs(container, "/data", "/hatest/files"))
	fmt.Println(spec.ExpandArgs(local, "/tmp/hatest-run/nodes/driver/data", "/tmp/hatest-run/nodes/driver/files"))
	// Output:
	// [-listen :7000 -data /data -c /hatest/files/driver.conf]
	// [-listen 127.0.0.1:41234 -data /tmp/hatest-run/nodes/driver/data -c /tmp/hatest-run/nodes/driver/files/driver.conf]
}
