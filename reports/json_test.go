package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/result"
)

const formatDoc = "../docs/report-format.md"

// docFields returns the field paths the tables of one "## " section of
// docs/report-format.md list ("summary.ops", "steps[].id").
func docFields(t *testing.T, section string) []string {
	t.Helper()
	data, err := os.ReadFile(formatDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i := strings.Index(doc, "\n## "+section+"\n")
	if i < 0 {
		t.Fatalf("%s has no section %q", formatDoc, section)
	}
	doc = doc[i+1:]
	if j := strings.Index(doc[3:], "\n## "); j >= 0 {
		doc = doc[:j+3]
	}
	var out []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9_.\\[\\]]+)` \\|").FindAllStringSubmatch(doc, -1) {
		out = append(out, m[1])
	}
	if len(out) < 5 {
		t.Fatalf("found only %d fields in section %q", len(out), section)
	}
	return out
}

// has reports whether path ("a.b[].c") exists in v; every array on the way
// must be non-empty and every element must have the rest of the path.
func has(v any, path string) bool {
	if path == "" {
		return true
	}
	key, rest, _ := strings.Cut(path, ".")
	arr := strings.HasSuffix(key, "[]")
	key = strings.TrimSuffix(key, "[]")
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	x, ok := m[key]
	if !ok {
		return false
	}
	if !arr {
		return has(x, rest)
	}
	xs, ok := x.([]any)
	if !ok || len(xs) == 0 {
		return false
	}
	for _, e := range xs {
		if !has(e, rest) {
			return false
		}
	}
	return true
}

// TestReportJSONFields writes a scenario with WriteScenario and checks that
// report.json has every field docs/report-format.md lists, and results.json
// (from WriteRun) every run field.
func TestReportJSONFields(t *testing.T) {
	dir := t.TempDir()
	s := sampleScenario()
	s.Integrity.SplitBrain = []string{"driver-0 and driver-1 both primary from 8,100 ms to 8,160 ms"}
	s.SetupError = "start the topology: start driver: node did not become ready"
	s.Attempt, s.EarlierFailure = 2, "max outage 2100.0ms > budget 2000ms"
	for i := range s.Clients {
		s.Clients[i].BadLines = []string{"op log line 3: invalid JSON"}
		s.Clients[i].Group = "all"
	}
	// the figures per client group and the members' restarts
	cluster := clusterScenario()
	s.Groups, s.Restarts = cluster.Groups, cluster.Restarts
	// the fields omitted when false or empty, set everywhere
	s.Invalid, s.Interrupted = "probe kept its schedule: c1 fell behind", true
	for i := range s.Windows {
		s.Windows[i].ProbeLag, s.Windows[i].Tail = true, true
	}
	for i := range s.Assertions {
		s.Assertions[i].Invalid = true
	}
	for i := range s.Steps {
		s.Steps[i].Unexpected = true
	}
	for i := range s.Integrity.Lost {
		s.Integrity.Lost[i].Version = "v1"
	}
	// a plan drawn as data
	s.PlanData = []byte(`{"schema": 1, "start": "v1", "items": []}`)
	// the read-back rounds, with every field a finding may omit
	value := func(v string) *string { return &v }
	s.ReadBack = result.ReadBack{Values: 3, Rounds: []result.Round{{
		N: 1, Label: "after roll back to v1", AtMS: 4990, Clients: []string{"c1"}, Problems: []string{"c2: no round line: its round was cut short"},
		Tallies: []result.Tally{{
			Way: result.WayParity, Versions: []string{"v1", "v2"}, Keys: 10, Wrong: 1, Young: 1, YoungMS: []float64{120},
			Examples: []result.Finding{{
				Client: "c1", Key: "c1-000017", AgeMS: 120, Written: value("x"), Seq: 12, WrittenBy: "v1", AckMS: 4870,
				Got:   result.Answer{Via: "m1", Version: "v1", Found: true, Seq: 12, Value: value("x"), AtMS: 4990},
				Other: &result.Answer{Via: "m2", Version: "v2", Found: true, Seq: 12, Value: value("x…"), AtMS: 4991},
			}},
		}},
	}}}
	if err := WriteScenario(dir, s); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	decodeFile(t, filepath.Join(dir, "report.json"), &doc)
	for _, f := range docFields(t, "report.json") {
		if !has(doc, f) {
			t.Errorf("report.json lacks %s, which %s lists", f, formatDoc)
		}
	}
	// the fields the brief names, whatever the doc says
	for _, f := range []string{"scenario", "slug", "labels", "passed", "runtime", "seed", "started_at", "duration_ms",
		"steps[].id", "steps[].desc", "steps[].kind", "steps[].start_ms", "steps[].end_ms",
		"windows[].client", "windows[].class", "windows[].start_ms", "windows[].end_ms", "windows[].duration_ms",
		"windows[].causes", "windows[].expected", "summary.ops", "summary.failed_ops", "summary.max_window_ms",
		"summary.total_window_ms", "summary.clients", "assertions[].name", "assertions[].passed",
		"assertions[].message", "replay", "schema", "status", "clients[].path", "clients[].schedule.lag_p99_ms",
		"integrity.unchecked", "integrity.applied_failed", "clients[].group",
		"groups[].name", "groups[].max_window_ms", "groups[].p99_window_ms", "groups[].total_outage_ms", "groups[].integrity.lost",
		"groups[].integrity.unchecked", "groups[].integrity.applied_failed",
		"restarts[].member", "restarts[].step", "restarts[].stop_to_exited_ms", "restarts[].exited_to_started_ms",
		"restarts[].started_to_healthy_ms", "restarts[].stop_to_healthy_ms", "restarts[].groups[].max_window_ms",
		"restarts[].groups[].p99_window_ms"} {
		if !has(doc, f) {
			t.Errorf("report.json lacks %s", f)
		}
	}

	run := sampleRun()
	if err := WriteRun(dir, run); err != nil {
		t.Fatal(err)
	}
	var rdoc map[string]any
	decodeFile(t, filepath.Join(dir, "results.json"), &rdoc)
	for _, f := range docFields(t, "results.json") {
		if !has(rdoc, f) {
			t.Errorf("results.json lacks %s, which %s lists", f, formatDoc)
		}
	}
}

// TestDocCoversResultFields checks the other direction: every JSON field of
// the result types is documented, so adding one to result.go without
// documenting it fails here.
func TestDocCoversResultFields(t *testing.T) {
	run := docFields(t, "results.json")
	scen := docFields(t, "report.json")
	documented := map[string]bool{}
	for _, f := range run {
		documented[f] = true
	}
	for _, f := range scen {
		documented["scenarios[]."+f] = true
	}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			path := prefix + name
			ft := f.Type
			if ft.Kind() == reflect.Slice {
				if !documented[path] && !documented[path+"[]"] && !anyWithPrefix(documented, path+"[].") {
					t.Errorf("%s is not documented in %s", path, formatDoc)
				}
				if ft.Elem().Kind() == reflect.Struct {
					walk(path+"[].", ft.Elem())
				}
				continue
			}
			if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(time.Time{}) {
				walk(path+".", ft)
				continue
			}
			if !documented[path] {
				t.Errorf("%s is not documented in %s", path, formatDoc)
			}
		}
	}
	walk("", reflect.TypeOf(result.Run{}))
}

func anyWithPrefix(m map[string]bool, p string) bool {
	for k := range m {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

func decodeFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestReportJSONRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := sampleScenario()
	if err := WriteScenario(dir, s); err != nil {
		t.Fatal(err)
	}
	var got result.Scenario
	decodeFile(t, filepath.Join(dir, "report.json"), &got)
	if want := normalize(*s); !reflect.DeepEqual(got, want) {
		t.Errorf("report.json does not round-trip:\n got %+v\nwant %+v", got, want)
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil || !bytes.Contains(html, []byte("<title>FAIL · overlord upgrade")) {
		t.Errorf("report.html missing or wrong (%v)", err)
	}

	// nil lists are written as [], never null
	var raw bytes.Buffer
	if err := ScenarioJSON(&raw, &result.Scenario{Scenario: "x", Slug: "x", Windows: []result.Window{{Client: "c"}}}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw.Bytes(), []byte("null")) {
		t.Errorf("report.json has null:\n%s", raw.String())
	}
	if !bytes.HasPrefix(raw.Bytes(), []byte("{\n  \"schema\": 1,\n")) {
		t.Errorf("report.json does not start with the schema:\n%.80s", raw.String())
	}
}

func TestWriteRun(t *testing.T) {
	dir := t.TempDir()
	run := sampleRun()
	run.Schema = 0 // set on writing
	// an artifact already next to a scenario's report must survive
	art := filepath.Join(dir, "overlord-upgrade-latency", "logs", "driver-0.log")
	if err := os.MkdirAll(filepath.Dir(art), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(art, []byte("log"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteRun(dir, run); err != nil {
		t.Fatal(err)
	}
	if run.Schema != 0 {
		t.Error("WriteRun changed its input")
	}
	for _, f := range []string{"results.json", "index.html", "overlord-upgrade-latency/report.html",
		"overlord-upgrade-latency/report.json", "standby-switchover/report.html", "rolling-restart/report.json",
		"overlord-upgrade-latency/logs/driver-0.log"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	// every link of the index leads to a file
	idx, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	links := regexp.MustCompile(`href="([^"#]+)"`).FindAllStringSubmatch(string(idx), -1)
	if len(links) != len(run.Scenarios) {
		t.Errorf("index has %d links, want %d", len(links), len(run.Scenarios))
	}
	for _, l := range links {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(l[1]))); err != nil {
			t.Errorf("index links to %s: %v", l[1], err)
		}
	}
	// no temporary files left behind
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind %s", e.Name())
		}
	}
	got, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := normalizeRun(run)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("results.json does not round-trip through ReadRun")
	}
	if got.Schema != result.Schema {
		t.Errorf("schema %d, want %d", got.Schema, result.Schema)
	}
}

func TestWriteRunRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*result.Run)
		want  error
		match string
	}{
		{"duplicate slug", func(r *result.Run) { r.Scenarios[2].Slug = r.Scenarios[1].Slug }, ErrDuplicate, `duplicate slug "standby-switchover"`},
		{"empty slug", func(r *result.Run) { r.Scenarios[0].Slug = "" }, ErrSlug, "unsafe slug"},
		{"parent slug", func(r *result.Run) { r.Scenarios[0].Slug = ".." }, ErrSlug, "unsafe slug"},
		{"path slug", func(r *result.Run) { r.Scenarios[0].Slug = "a/b" }, ErrSlug, "unsafe slug"},
		{"other schema", func(r *result.Run) { r.Schema = 2 }, ErrSchema, "schema 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			r := sampleRun()
			tc.edit(r)
			err := WriteRun(dir, r)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.match) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.want, tc.match)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("wrote %d entries before refusing", len(ents))
			}
		})
	}
}

func TestReadRunErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       string // the error, after the path
		is         error
	}{
		{"syntax", "{\n  \"schema\": 1,\n  \"seed\": 1,,\n}", `: line 3: invalid character ',' looking for beginning of object key string`, nil},
		{"truncated", "{\n  \"schema\": 1,\n  \"scenarios\": [", `: line 3: unexpected end of JSON input`, nil},
		{"empty", "", `: line 1: unexpected end of JSON input`, nil},
		{"wrong type", "{\"schema\": 1,\n\"scenarios\": [\n{\"seed\": \"x\"}]}", `: line 3: cannot unmarshal string into Go struct field`, nil},
		{"not an object", "[1, 2]", `: line 1: cannot unmarshal array`, nil},
		{"schema 7", "{\"schema\": 7, \"scenarios\": {\"new\": \"shape\"}}", `: schema 7 not supported (this hatest reads schema 1)`, ErrSchema},
		{"no schema", "{\"scenarios\": []}", `: no schema field (this hatest reads schema 1)`, ErrSchema},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "results.json")
			if err := os.WriteFile(path, []byte(tc.data), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadRun(path)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), path+tc.want) {
				t.Errorf("err = %q\nwant %q", err, path+tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want it to match %v", err, tc.is)
			}
		})
	}
	if _, err := ReadRun(filepath.Join(t.TempDir(), "nothing")); err == nil || !strings.Contains(err.Error(), "nothing") {
		t.Errorf("missing file: err = %v", err)
	}
	// a directory means its results.json; unknown fields are ignored
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "results.json"), []byte(`{"schema":1,"seed":9,"future":true,"scenarios":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := ReadRun(dir)
	if err != nil || r.Seed != 9 {
		t.Errorf("ReadRun(dir) = %+v, %v", r, err)
	}
}

func TestMerge(t *testing.T) {
	shard := func(runtime, commit string, start time.Time, slugs ...string) *result.Run {
		r := &result.Run{Schema: result.Schema, Runtime: runtime, Seed: 42, StartedAt: start, Commit: commit}
		for _, s := range slugs {
			r.Scenarios = append(r.Scenarios, result.Scenario{Scenario: "scenario " + s, Slug: s})
		}
		return r
	}
	later := t0.Add(time.Minute)
	t.Run("concatenates", func(t *testing.T) {
		a := shard("process", "abc", later, "a", "b")
		b := shard("process", "", t0, "c")
		c := shard("docker", "abc", later, "d")
		got, err := Merge(a, b, c)
		if err != nil {
			t.Fatal(err)
		}
		var slugs []string
		for _, s := range got.Scenarios {
			slugs = append(slugs, s.Slug)
		}
		if strings.Join(slugs, ",") != "a,b,c,d" {
			t.Errorf("scenarios %v, want a,b,c,d", slugs)
		}
		if got.Schema != result.Schema || got.Seed != 42 || got.Commit != "abc" || !got.StartedAt.Equal(t0) || got.Runtime != "docker+process" {
			t.Errorf("merged run %+v", got)
		}
		if len(a.Scenarios) != 2 || a.StartedAt != later {
			t.Error("Merge changed its input")
		}
	})
	t.Run("one run", func(t *testing.T) {
		got, err := Merge(shard("process", "", t0))
		if err != nil || got.Scenarios == nil || got.Runtime != "process" {
			t.Errorf("Merge(one empty run) = %+v, %v", got, err)
		}
	})
	for _, tc := range []struct {
		name  string
		runs  []*result.Run
		is    error
		match string
	}{
		{"duplicate slug", []*result.Run{shard("process", "", t0, "a", "b"), shard("process", "", t0, "c", "b")}, ErrDuplicate, `scenario "scenario b" in run 2: duplicate slug "b" (also in run 1)`},
		{"other seed", []*result.Run{shard("process", "", t0, "a"), {Schema: 1, Seed: 7}}, nil, "run 2 has seed 7, run 1 has seed 42"},
		{"other commit", []*result.Run{shard("process", "abc", t0, "a"), shard("process", "def", t0, "b")}, nil, "run 2 is of commit def, run 1 of abc"},
		{"other schema", []*result.Run{shard("process", "", t0, "a"), {Schema: 2, Seed: 42}}, ErrSchema, "run 2: unsupported schema 2"},
		{"nil run", []*result.Run{shard("process", "", t0, "a"), nil}, errNil, "run 2"},
		{"no runs", nil, nil, "no runs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge(tc.runs...)
			if err == nil || !strings.Contains(err.Error(), tc.match) || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Errorf("err = %v, want %v containing %q", err, tc.is, tc.match)
			}
		})
	}
}
