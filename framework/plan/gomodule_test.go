package plan

import (
	"testing"

	"github.com/hatest/hatest/framework/runtime"
)

func TestGoModule(t *testing.T) {
	const nats = "github.com/nats-io/nats-server/v2"
	sw := GoModule("nats", nats, "", "v2.14.10", "v2.15.3")
	want := map[string]runtime.Build{
		"v2.14.10": {Module: nats, ModuleVersion: "v2.14.10"},
		"v2.15.3":  {Module: nats, ModuleVersion: "v2.15.3"},
	}
	if sw.Name != "nats" || len(sw.Versions) != len(want) {
		t.Fatalf("GoModule: %+v", sw)
	}
	for v, b := range want {
		got, ok := sw.Versions[v]
		if !ok || got.Module != b.Module || got.ModuleVersion != b.ModuleVersion || got.Package != "" || got.LDFlags != "" || got.Binary != "" || got.Image != "" || got.Dir != "" || got.Extra != nil {
			t.Errorf("version %s: %+v; want %+v", v, got, b)
		}
	}

	tool := GoModule("x", "example.com/tools", "example.com/tools/cmd/x", "v1.2.3-rc.1+meta")
	if b := tool.Versions["v1.2.3-rc.1+meta"]; b.Package != "example.com/tools/cmd/x" || b.Module != "example.com/tools" || b.ModuleVersion != "v1.2.3-rc.1+meta" {
		t.Errorf("a package inside the module, version kept as given: %+v", tool)
	}
	if none := GoModule("empty", nats, ""); len(none.Versions) != 0 || none.Versions == nil {
		t.Errorf("no versions: %+v", none)
	}
}
