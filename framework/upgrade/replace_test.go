package upgrade_test

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/process"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
	"github.com/hatest/hatest/framework/upgrade"
)

// server is the example server of docs/your-own-system.md.
const server = "github.com/hatest/hatest/fixtures/example/server"

func TestReplace(t *testing.T) {
	ctx := context.Background()
	rt, err := process.New(ctx, process.WithLog(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	sys := system.New(rt, nil)
	_, err = sys.StartService(ctx, system.ServiceSpec{
		Name: "kv", Version: "v1", Port: "9000", DataDir: true,
		Software: runtime.Software{Name: "example-server", Versions: map[string]runtime.Build{
			"v1": {Package: server, LDFlags: "-X main.version=v1"},
			"v2": {Package: server, LDFlags: "-X main.version=v2"},
		}},
		Args: []string{"-listen", "${LISTEN:9000}", "-data", "${DATA}"},
	})
	if err != nil {
		t.Fatal(err)
	}

	step := upgrade.Replace("kv", "v1", "v2")
	if !step.Meta().ExpectsOutage || !strings.Contains(step.Description(), "upgrade kv v1 -> v2 by replacing its node") {
		t.Fatalf("step %q, expects an outage: %v", step.Description(), step.Meta().ExpectsOutage)
	}
	if err := upgrade.Replace("db", "v1", "v2").Run(ctx, sys); err == nil || !strings.Contains(err.Error(), "no service of that name") {
		t.Fatalf("unknown service: %v", err)
	}
	if err := upgrade.Replace("kv", "v2", "v1").Run(ctx, sys); err == nil || !strings.Contains(err.Error(), "it runs v1") {
		t.Fatalf("wrong from version: %v", err)
	}
	if len(sys.Events.Events()) != 0 {
		t.Fatalf("failed steps recorded events: %+v", sys.Events.Events())
	}

	if err := step.Run(ctx, sys); err != nil {
		t.Fatal(err)
	}
	if v := sys.Program("kv").Node.Version(); v != "v2" {
		t.Fatalf("kv runs %s after the upgrade", v)
	}
	// Each phase of the replacement is on the timeline, in order, the
	// new node's readiness last.
	evs := sys.Events.Events()
	var phases []string
	for i, e := range evs {
		if e.Kind != timeline.KindSystem || !slices.Equal(e.Targets, []string{"kv"}) || (i > 0 && e.Start < evs[i-1].Start) {
			t.Fatalf("phase event %d: %+v", i, e)
		}
		phases = append(phases, e.Phase)
	}
	want := []string{timeline.PhaseStop, timeline.PhaseExited, timeline.PhaseStarted, timeline.PhaseReady}
	if !slices.Equal(phases, want) || evs[3].Desc != "service kv ready at v2" {
		t.Fatalf("the step should put each phase on the timeline, %v: %+v", want, evs)
	}
}
