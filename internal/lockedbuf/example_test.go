package lockedbuf_test

import (
	"fmt"
	"os/exec"

	"github.com/hatest/hatest/internal/lockedbuf"
)

func Example() {
	var out lockedbuf.Buffer
	cmd := exec.Command("sh", "-c", "echo to stdout; echo to stderr >&2")
	cmd.Stdout, cmd.Stderr = &out, &out // one buffer for both streams
	if err := cmd.Run(); err != nil {
		fmt.Println(err)
	}
	fmt.Print(out.String())
	// Output:
	// to stdout
	// to stderr
}
