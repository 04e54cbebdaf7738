package calibrate

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/runtime/docker"
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
	if len(rep.NotRun) != 1 || !strings.Contains(rep.NotRun[0], "nft-cut") {
		t.Errorf("not run: %q; want the nft-cut rows named as needing Docker", rep.NotRun)
	}
	for _, want := range []string{"proxy-down", "sigstop", "700ms", "ratio", "not run: nft-cut: faults below the proxy need the Docker runtime"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("table has no %q:\n%s", want, out.String())
		}
	}
	t.Logf("\n%s", out.String())
}

// The nft-cut rows on Docker: a real sidecar cuts the driver's node from
// its clients in its own network namespace, and hatest's probe must see
// each cut within the target (or say INVALID on a busy machine).
func TestCalibrateNetCutDocker(t *testing.T) {
	if testing.Short() {
		t.Skip("starts containers for about 10 s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rt := dockerRuntime(ctx, t)
	durations := []time.Duration{50 * time.Millisecond, 700 * time.Millisecond}
	rep, err := Run(ctx, rt, Config{Durations: []time.Duration{200 * time.Millisecond}, NetDurations: durations, Gap: 1200 * time.Millisecond, Keep: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.NotRun) != 0 {
		t.Fatalf("not run on Docker: %q", rep.NotRun)
	}
	var cuts []Row
	for _, r := range rep.Rows {
		if r.Method == MethodNetCut {
			cuts = append(cuts, r)
		}
	}
	if len(cuts) != len(durations) {
		t.Fatalf("%d nft-cut rows, want %d", len(cuts), len(durations))
	}
	for i, r := range cuts {
		if r.UncertaintyMS <= 0 || r.UncertaintyMS > 20 {
			t.Errorf("nft-cut %v: ± %.1f ms; the sidecar's clock readings around its netlink calls should make it a few ms", durations[i], r.UncertaintyMS)
		}
		// The cut's length is measured, not set: two Docker execs of varying
		// latency carry it (678 ms for 700 in one CI run), and each row is
		// judged against its own. Only a cut of another order is wrong.
		if got, want := r.InjectedMS, float64(durations[i].Milliseconds()); got < want/2 || got > 2*want+100 {
			t.Errorf("nft-cut %v: the cut lasted %.1f ms", durations[i], got)
		}
		if r.Verdict != VerdictOK && r.Verdict != VerdictInvalid {
			t.Errorf("nft-cut %v: verdict %s (hatest measured %.1f ms in %d windows, error %+.1f ms)",
				durations[i], r.Verdict, r.Hatest.MeasuredMS, r.Hatest.Windows, r.Hatest.ErrorMS)
		}
	}
	var out bytes.Buffer
	Table(&out, rep)
	t.Logf("\n%s", out.String())
}

// dockerRuntime starts a Docker runtime closed at the end of the test. The
// test fails without an engine, unless HATEST_SKIP_DOCKER=1.
func dockerRuntime(ctx context.Context, t *testing.T) *docker.Runtime {
	t.Helper()
	if err := docker.Available(ctx, 3*time.Second); err != nil {
		if os.Getenv("HATEST_SKIP_DOCKER") == "1" {
			t.Skipf("HATEST_SKIP_DOCKER=1: %v", err)
		}
		t.Fatalf("the nft-cut calibration needs a Docker engine (HATEST_SKIP_DOCKER=1 skips it): %v", err)
	}
	rt, err := docker.New(ctx)
	if rt != nil {
		t.Cleanup(func() { rt.Close(context.Background()) })
	}
	if err != nil {
		t.Fatal(err)
	}
	return rt
}
