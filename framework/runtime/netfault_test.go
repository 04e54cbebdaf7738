package runtime_test

import (
	"math"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/runtime"
)

// Validate refuses, in one line, what no kernel could be asked for.
func TestNetFaultValidate(t *testing.T) {
	for _, tt := range []struct {
		f  runtime.NetFault
		ok bool
	}{
		{runtime.NetFault{Kind: runtime.NetCut}, true},
		{runtime.NetFault{Kind: runtime.NetLoss, Percent: 5}, true},
		{runtime.NetFault{Kind: runtime.NetLoss, Percent: 100}, true},
		{runtime.NetFault{Kind: runtime.NetLoss, Percent: 0}, false},
		{runtime.NetFault{Kind: runtime.NetLoss, Percent: 150}, false},
		{runtime.NetFault{Kind: runtime.NetLoss, Percent: math.NaN()}, false},
		{runtime.NetFault{Kind: runtime.NetReorder, Percent: -1}, false},
		{runtime.NetFault{Kind: runtime.NetRate, Rate: 0}, false},
		{runtime.NetFault{Kind: runtime.NetDelay, Delay: time.Millisecond}, true},
		{runtime.NetFault{Kind: runtime.NetDelay}, false},
		{runtime.NetFault{Kind: runtime.NetCut, Ports: []int{70000}}, false},
		{runtime.NetFault{Kind: runtime.NetCut, AllBut: true}, false},
		{runtime.NetFault{Kind: "jitter"}, false},
	} {
		err := tt.f.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%+v: %v, want ok %v", tt.f, err, tt.ok)
		}
	}
}
