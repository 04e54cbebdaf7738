package calibrate

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/runtime/process"
)

// A real calibration on the process runtime: a real driver, a real
// embedded toxiproxy, real SIGSTOP. Tests assert structure and generous
// bounds; the tight figures are what `hatest calibrate` prints.
func TestCalibrateProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rt, err := process.New(ctx)
	if rt != nil {
		defer rt.Close(context.Background())
	}
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, rt, Config{Durations: []time.Duration{50 * time.Millisecond, 400 * time.Millisecond}, Gap: 1200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 2*2*2 {
		t.Fatalf("%d rows, want 2 methods x 2 durations x 2 samplers", len(rep.Rows))
	}
	missed := 0
	for _, r := range rep.Rows {
		switch r.Sampler {
		case "hatest":
			if r.Windows == 0 || math.Abs(r.ErrorMS) > 50 {
				t.Errorf("hatest missed or mismeasured %s for %.0fms: measured %.1fms in %d windows", r.Method, r.InjectedMS, r.MeasuredMS, r.Windows)
			}
		case "1s":
			if r.Windows == 0 {
				missed++
			}
		}
	}
	if missed == 0 {
		t.Errorf("the 1-second sampler saw every outage, including the 50 ms ones; it cannot, so the comparison is broken")
	}
	var out bytes.Buffer
	Table(&out, rep)
	if !strings.Contains(out.String(), "proxy-down") || !strings.Contains(out.String(), "sigstop") {
		t.Fatalf("table:\n%s", out.String())
	}
	t.Logf("\n%s", out.String())
}
