package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Bad calibrate flags are one-line usage errors (exit 2), found before
// anything starts.
func TestCalibrateFlagErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"interval not a duration", []string{"--interval", "fast"}, `invalid value "fast" for flag -interval`},
		{"interval zero", []string{"--interval", "0"}, "--interval 0s is below 1ms"},
		{"interval negative", []string{"--interval", "-1ms"}, "--interval -1ms is below 1ms"},
		{"interval below 1ms", []string{"--interval", "999us"}, "--interval 999µs is below 1ms"},
		{"interval too long", []string{"--interval", "26ms"}, "--interval 26ms is above 25ms"},
		{"argument", []string{"process"}, `calibrate takes no arguments, got "process"`},
		{"out not writable", []string{"--runtime", "process", "--out", filepath.Join(dir, "no", "such", "dir", "c.json")}, "--out: open "},
		{"keep not a directory", []string{"--runtime", "process", "--keep", "/dev/null/logs"}, "--keep: mkdir /dev/null"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := hatest(t, append([]string{"calibrate"}, c.args...)...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr: %s", code, exitUsage, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout: %q", stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
				t.Fatalf("stderr %q is not one line saying %q", stderr, c.want)
			}
		})
	}
}

// The help names every length calibrate injects and the target it judges by.
func TestCalibrateHelp(t *testing.T) {
	code, out, _ := hatest(t, "help", "calibrate")
	if code != exitPass {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"50 ms, 200 ms, 700 ms and 1 s", "interval + 2 ms", "--keep DIR", "--interval 1ms", "backlog", "INVALID"} {
		if !strings.Contains(out, want) {
			t.Errorf("help does not say %q:\n%s", want, out)
		}
	}
}
