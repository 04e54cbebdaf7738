package upgrade_test

import (
	"reflect"
	"testing"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/upgrade"
)

func TestTargets(t *testing.T) {
	rolling := upgrade.Rolling([]string{"web-1", "web-2", "web-3"}, "v1", "v2")
	tests := []struct {
		step step.Step
		want []string
	}{
		{upgrade.ViaOverlord("web-1", "v1", "v2"), []string{"web-1"}},
		{upgrade.Downgrade("web-2", "v2", "v1"), []string{"web-2"}},
		{upgrade.ViaOverlord("web-3", "v2", "v1").Rollback(), []string{"web-3"}},
		{upgrade.Switchover("db", "v2"), []string{"db"}},
		{upgrade.PrepareSecondary("db", "v2"), []string{"db"}},
		{upgrade.Replace("kv", "v1", "v2"), []string{"kv"}},
		{upgrade.WithRollback(upgrade.ViaOverlord("web-1", "v1", "v2"), upgrade.Check{}), []string{"web-1"}},
		{rolling, []string{"web-1", "web-2", "web-3"}},
	}
	for _, tt := range tests {
		if got := tt.step.Meta().Targets; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: targets %v, want %v", tt.step.Description(), got, tt.want)
		}
	}
	// Each child of a rolling upgrade, and of its roll-back, acts on its
	// own replica; the pauses between them act on nothing.
	var got [][]string
	for _, ch := range rolling.Abort(0.5).Meta().Children {
		got = append(got, ch.Meta().Targets)
	}
	want := [][]string{{"web-1"}, nil, {"web-2"}, nil, {"web-2"}, nil, {"web-1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rolling children's targets %v, want %v", got, want)
	}
	// Targets is a copy: changing it does not change the step.
	rolling.Meta().Targets[0] = "x"
	if rolling.Replicas[0] != "web-1" {
		t.Error("RollingStep.Targets shares the step's replicas")
	}
}
