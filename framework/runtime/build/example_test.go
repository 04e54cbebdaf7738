package build_test

import (
	"context"
	"fmt"

	"github.com/hatest/hatest/framework/runtime/build"
)

// The driver at v2, built once and then found in the cache: both runtimes
// run these very bytes.
func ExampleBinary() {
	path, err := build.Binary(context.Background(), "./fixtures/driver", "-X main.version=v2")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("the driver at v2 is", path)
}

// Two releases of NATS server from the Go module proxy, each built in a
// module of its own: the first call builds (about a minute on a machine
// with empty Go caches), later ones, in any process, return the cached
// binary at once.
func ExampleModule() {
	ctx := context.Background()
	for _, version := range []string{"v2.14.10", "v2.15.3"} {
		path, err := build.Module(ctx, "github.com/nats-io/nats-server/v2", version, "")
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("nats-server", version, "is", path)
	}
}
