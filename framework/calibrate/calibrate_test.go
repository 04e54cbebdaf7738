package calibrate

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/runtime/process"
)

// A real calibration on the process runtime: a real driver, a real
// embedded toxiproxy, real SIGSTOP. Tests assert structure and generous
// bounds; the tight figures are what `hatest calibrate` prints.
func TestCalibrateProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes for about 10 s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rt, err := process.New(ctx)
	if rt != nil {
		defer rt.Close(context.Background())
	}
	if err != nil {
		t.Fatal(err)
	}
	keep := t.TempDir()
	durations := []time.Duration{50 * time.Millisecond, 700 * time.Millisecond}
	rep, err := Run(ctx, rt, Config{Durations: durations, Gap: 1200 * time.Millisecond, Keep: keep})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != len(Methods)*len(durations) {
		t.Fatalf("%d rows, want %d methods x %d durations", len(rep.Rows), len(Methods), len(durations))
	}
	missed := 0
	for _, r := range rep.Rows {
		if r.Hatest.Windows == 0 || r.Hatest.ErrorMS < -50 || r.Hatest.ErrorMS > 50 {
			t.Errorf("hatest missed or mismeasured %s for %.0fms: measured %.1fms in %d windows", r.Method, r.InjectedMS, r.Hatest.MeasuredMS, r.Hatest.Windows)
		}
		if r.Sampler.Windows == 0 {
			missed++
		}
		if r.Ratio <= 0 {
			t.Errorf("%s %.0fms: ratio %v", r.Method, r.NominalMS, r.Ratio)
		}
	}
	if missed == 0 {
		t.Errorf("the 1-second sampler saw every outage, including the 50 ms ones; it cannot, so the comparison is broken")
	}
	if rep.Probe.Ops == 0 || rep.Probe.AchievedPerS <= 0 {
		t.Errorf("no schedule figures for hatest's probe: %+v", rep.Probe)
	}
	if (rep.Kept != "") != !allWithin(rep) {
		t.Errorf("kept %q, but rows within the target: %v", rep.Kept, allWithin(rep))
	}
	var out bytes.Buffer
	Table(&out, rep)
	for _, want := range []string{"proxy-down", "sigstop", "700ms", "ratio"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("table has no %q:\n%s", want, out.String())
		}
	}
	t.Logf("\n%s", out.String())
}
