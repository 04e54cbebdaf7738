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
