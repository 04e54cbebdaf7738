package docker_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/hatest/hatest/framework/runtime/internal/rttest"
)

// NodeSpec.Files: copied into the container FROM scratch before it
// starts, at /hatest/files/<name> with mode 0644, and into every new
// container Restart makes, as first given.
func TestFiles(t *testing.T) {
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// echo keeps its boot count in <-data>/boots and reads <-data>/<name>:
	// pointed at the files' directory (Go cleans "<file>/.." away), it
	// counts on from the content of the file "boots" and reads "conf".
	spec := rttest.EchoSpec("cfg", "v1", "-data", "${FILE:boots}/..")
	spec.Files = map[string]string{"conf": "lame_duck_duration=30s", "boots": "41", "empty": ""}
	n, err := rt.Start(ctx, spec)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	cname := "hatest-" + rt.ID() + "-cfg"
	check := func(version string) {
		t.Helper()
		addr := n.Endpoint("7000").External
		rttest.MustAsk(t, addr, "read conf", version+" lame_duck_duration=30s")
		rttest.MustAsk(t, addr, "boots", version+" boots=42")
		for name, size := range map[string]int64{"conf": 22, "boots": 2, "empty": 0} {
			st, err := rt.Client().ContainerStatPath(ctx, cname, client.ContainerStatPathOptions{Path: "/hatest/files/" + name})
			if err != nil {
				t.Fatalf("stat /hatest/files/%s: %v", name, err)
			}
			if st.Stat.Mode != 0o644 || st.Stat.Size != size {
				t.Errorf("/hatest/files/%s: mode %v, %d bytes; want -rw-r--r--, %d bytes", name, st.Stat.Mode, st.Stat.Size, size)
			}
		}
	}
	check("v1")
	if got := readAll(n.Logs()); !strings.Contains(got, `data "/hatest/files/boots/.."`) {
		t.Fatalf("${FILE:boots} did not become /hatest/files/boots; the log:\n%s", got)
	}

	// The program changes its files and adds one; the caller changes its
	// map. The new container gets what Start was given, and only that.
	addr := n.Endpoint("7000").External
	rttest.MustAsk(t, addr, "write conf changed", "v1 wrote conf")
	rttest.MustAsk(t, addr, "write extra x", "v1 wrote extra")
	spec.Files["conf"] = "changed by the caller after Start"
	if err := n.Restart(ctx, "v2"); err != nil {
		t.Fatalf("restart: %v", err)
	}
	check("v2")
	if got, _, err := rttest.Ask(n.Endpoint("7000").External, "read extra", 5*time.Second); err != nil || !strings.Contains(got, "no such file") {
		t.Fatalf("a file the old program made is in the new container: %q, %v", got, err)
	}
}
