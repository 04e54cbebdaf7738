package fault_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/system"
)

func TestTargets(t *testing.T) {
	tests := []struct {
		f    fault.Fault
		want []string
	}{
		{fault.Down("web-1"), []string{"web-1"}},
		{fault.ProxyDown("web-1-secondary"), []string{"web-1-secondary"}},
		{fault.Latency("web-2", 100*time.Millisecond, 0), []string{"web-2"}},
		{fault.Latency(system.ReplicationLink("db"), time.Millisecond, 0).Upstream(), []string{"db-replication"}},
		{fault.Bandwidth("kv", 10), []string{"kv"}},
		{fault.SlowClose("kv", time.Second), []string{"kv"}},
		{fault.Timeout("kv", 0), []string{"kv"}},
		{fault.ResetPeer("kv", 0), []string{"kv"}},
		{fault.Slicer("kv", 64, 32, 0), []string{"kv"}},
		{fault.LimitData("kv", 1000), []string{"kv"}},
		{fault.Kill(fault.Driver("web-1")), []string{"web-1"}},
		{fault.Term(fault.Driver("db", "secondary")), []string{"db"}},
		{fault.Stop(fault.Node("node-3")), []string{"node-3"}},
		{fault.CrashLoop(fault.Driver("web-3"), time.Second), []string{"web-3"}},
		{fault.Pause("kv"), []string{"kv"}},
		{fault.Restart("c1"), []string{"c1"}},
	}
	for _, tt := range tests {
		if got := fault.For(tt.f, time.Second).Meta().Targets; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: targets %v, want %v", tt.f.Name(), got, tt.want)
		}
	}
}

// custom is a fault of the user's own that does not say what it acts on.
type custom struct{}

func (custom) Name() string      { return "custom" }
func (custom) Targets() []string { return nil }
func (custom) Inject(context.Context, *system.System) (func(context.Context) error, error) {
	return nil, nil
}

func TestTargetsUnknown(t *testing.T) {
	if got := fault.For(custom{}, time.Second).Meta().Targets; got != nil {
		t.Errorf("a fault that does not say has targets %v, want nil (acts on everything)", got)
	}
}
