package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hatest runs the CLI in-process and returns its exit code, stdout and
// stderr.
func hatest(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string // the first line of stderr must contain this
	}{
		{"no command", nil, "hatest proves"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"run", "--frob"}, "flag provided but not defined: -frob"},
		{"bad seed", []string{"run", "--seed", "abc"}, `--seed "abc" is not a whole number`},
		{"bad timeout", []string{"run", "--timeout", "soon"}, `--timeout "soon" is not a duration`},
		{"bad runtime", []string{"run", "--runtime", "vm", "--report-dir", "@tmp"}, `unknown runtime "vm"`},
		{"bad shard", []string{"list", "--shard", "3/2"}, `--shard "3/2" is not i/n`},
		{"bad shard form", []string{"list", "--shard", "x"}, `--shard "x" is not i/n`},
		{"plan without name", []string{"plan"}, "plan takes a scenario name"},
		{"report without dir", []string{"report"}, "report needs at least one"},
		{"calibrate bad interval", []string{"calibrate", "--interval", "100us"}, "--interval 100µs is below 1ms"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string(nil), c.args...)
			for i, a := range args {
				if a == "@tmp" {
					args[i] = t.TempDir()
				}
			}
			code, _, stderr := hatest(t, args...)
			if code != exitUsage {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, exitUsage, stderr)
			}
			first, _, _ := strings.Cut(stderr, "\n")
			if !strings.Contains(first, c.want) {
				t.Fatalf("first line of stderr %q does not say %q", first, c.want)
			}
		})
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := hatest(t, c.name, "--help")
			if code != exitPass {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.HasPrefix(out, "Usage: hatest "+c.name) {
				t.Fatalf("help does not start with the usage line: %q", out)
			}
			if !strings.Contains(out, "Example") {
				t.Fatalf("help for %s has no example:\n%s", c.name, out)
			}
		})
	}
	code, out, _ := hatest(t, "help")
	if code != exitPass {
		t.Fatalf("hatest help exit %d", code)
	}
	for _, c := range commands {
		if !strings.Contains(out, "  "+c.name) {
			t.Errorf("hatest help does not list %s", c.name)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := hatest(t, "version")
	if code != exitPass || !strings.HasPrefix(out, "hatest ") || !strings.Contains(out, "go1.") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

func TestReportDirIsNotClobbered(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := hatest(t, "run", "--report-dir", dir)
	if code != exitUsage || !strings.Contains(stderr, "is not empty and holds no earlier hatest report") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Fatalf("the user's file was removed: %v", err)
	}
}

func TestShardsAreDisjointAndComplete(t *testing.T) {
	var specs []spec
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		specs = append(specs, spec{Name: n})
	}
	for n := 1; n <= 5; n++ {
		seen := map[string]int{}
		for i := 1; i <= n; i++ {
			sh, err := parseShard(strings.Join([]string{itoa(i), itoa(n)}, "/"))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sh.pick(specs) {
				seen[s.Name]++
			}
		}
		if len(seen) != len(specs) {
			t.Fatalf("n=%d: shards cover %d of %d specs", n, len(seen), len(specs))
		}
		for name, k := range seen {
			if k != 1 {
				t.Fatalf("n=%d: %s is in %d shards", n, name, k)
			}
		}
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestProgressLines(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, false)
	pre := "hatest: progress | "
	p.Write([]byte(pre + "s1 | 3 upgrade | 1.0s | ops 10 ok, 0 failed\n" + pre + "s1 | 3 upgrade | 2.0s | ops 20 ok, 0 failed\nplain line\n"))
	p.Write([]byte(pre + "s1 | 4 settle | 3.0s | ops 30 ok, 1 failed | down now: c1 12ms\n"))
	p.Close()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], "s1 | 3 upgrade | 1.0s | ops 10 ok, 0 failed") ||
		lines[1] != "plain line" || !strings.Contains(lines[2], "down now: c1 12ms") {
		t.Fatalf("not on a terminal: one timestamped line per step change, others as they are; got:\n%s", out.String())
	}
	out.Reset()
	p = newProgress(&out, true)
	p.Write([]byte(pre + "s1 | 3 upgrade | 1.0s\n" + pre + "s1 | 3 upgrade | 2.0s\nplain\n"))
	p.Close()
	if got := out.String(); got != "\r\033[Ks1 | 3 upgrade | 1.0s\r\033[Ks1 | 3 upgrade | 2.0s\r\033[Kplain\n" {
		t.Fatalf("on a terminal: redrawn in place, cleared before other lines; got %q", got)
	}
}
