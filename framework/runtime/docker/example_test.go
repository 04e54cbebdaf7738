package docker_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/docker"
)

// A driver in a container built FROM scratch, a proxy in front of it, and
// an upgrade in place.
func Example() {
	ctx := context.Background()
	rt, err := docker.New(ctx, docker.WithLog(os.Stderr))
	if errors.Is(err, runtime.ErrNoEngine) {
		fmt.Println("no docker engine: use runtime/process")
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close(context.Background())
	driver := runtime.Software{Name: "driver", Versions: map[string]runtime.Build{
		"v1": {Package: "github.com/hatest/hatest/fixtures/driver", LDFlags: "-X main.version=v1"},
		"v2": {Package: "github.com/hatest/hatest/fixtures/driver", LDFlags: "-X main.version=v2"},
	}}
	n, err := rt.Start(ctx, runtime.NodeSpec{
		Name: "driver", Version: "v1", Software: driver,
		Args:  []string{"-listen", "${LISTEN:7000}", "-data", "${DATA}"},
		Ports: []string{"7000"}, Ready: "7000", DataDir: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := rt.Proxy(ctx, "driver", n.Endpoint("7000"))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := n.Restart(ctx, "v2"); err != nil { // same alias, same /data volume
		fmt.Println(err)
		return
	}
	fmt.Println(n.Name(), n.Version(), "behind", p.Endpoint().External)
}
