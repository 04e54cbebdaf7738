package gate

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/format"
)

const exampleYAML = `defaults:            # optional, applies to every scenario
  max_window: 2s
  total_outage: 5s
  error_rate: 0.05   # fraction of ops
labels:
  gate: { max_window: 1s }
scenarios:
  "overlord in-service upgrade v1 to v2": { max_window: 300ms, error_rate: 0.01 }
`

const exampleJSON = `{
  "defaults": {"max_window": "2s", "total_outage": 5000, "error_rate": 0.05},
  "labels": {"gate": {"max_window": 1000}},
  "scenarios": {
    "overlord in-service upgrade v1 to v2": {"max_window": "300ms", "error_rate": "1%"}
  }
}`

func dur(d time.Duration) *time.Duration { return &d }
func rate(r float64) *float64            { return &r }

// limitsString renders l for comparison in tests: "mw=300ms to=- er=0.01".
func limitsString(l Limits) string {
	var b strings.Builder
	b.WriteString("mw=")
	if l.MaxWindow != nil {
		b.WriteString(l.MaxWindow.String())
	} else {
		b.WriteString("-")
	}
	b.WriteString(" to=")
	if l.TotalOutage != nil {
		b.WriteString(l.TotalOutage.String())
	} else {
		b.WriteString("-")
	}
	b.WriteString(" er=")
	if l.ErrorRate != nil {
		b.WriteString(format.Num(*l.ErrorRate, 6))
	} else {
		b.WriteString("-")
	}
	return b.String()
}

func TestParseBudgets(t *testing.T) {
	const upgrade = "overlord in-service upgrade v1 to v2"
	tests := []struct {
		name, file, data string
		defaults         string
		labels           map[string]string
		scenarios        map[string]string
	}{
		{
			name: "yaml example", file: "budgets.yaml", data: exampleYAML,
			defaults:  "mw=2s to=5s er=0.05",
			labels:    map[string]string{"gate": "mw=1s to=- er=-"},
			scenarios: map[string]string{upgrade: "mw=300ms to=- er=0.01"},
		},
		{
			name: "json example", file: "budgets.json", data: exampleJSON,
			defaults:  "mw=2s to=5s er=0.05",
			labels:    map[string]string{"gate": "mw=1s to=- er=-"},
			scenarios: map[string]string{upgrade: "mw=300ms to=- er=0.01"},
		},
		{
			name: "json detected by content", file: "budgets", data: exampleJSON,
			defaults:  "mw=2s to=5s er=0.05",
			labels:    map[string]string{"gate": "mw=1s to=- er=-"},
			scenarios: map[string]string{upgrade: "mw=300ms to=- er=0.01"},
		},
		{
			name: "yml, numbers are milliseconds", file: "b.yml",
			data:     "defaults:\n  max_window: 300\n  total_outage: 1.5\n  error_rate: 0\n",
			defaults: "mw=300ms to=1.5ms er=0",
		},
		{
			name: "numeric strings are milliseconds, percent rates", file: "b.json",
			data:     `{"defaults": {"max_window": "250", "total_outage": "1m", "error_rate": "2.5%"}}`,
			defaults: "mw=250ms to=1m0s er=0.025",
		},
		{
			name: "zero budgets are limits", file: "b.yaml",
			data:     "defaults: { max_window: 0s, total_outage: 0, error_rate: 0 }\n",
			defaults: "mw=0s to=0s er=0",
		},
		{
			name: "empty sections are allowed next to a limit", file: "b.yaml",
			data:      "defaults:\nlabels: {}\nscenarios:\n  a: { total_outage: 1s }\n",
			defaults:  "mw=- to=- er=-",
			scenarios: map[string]string{"a": "mw=- to=1s er=-"},
		},
		{
			name: "anchors and aliases", file: "b.yaml",
			data:      "labels:\n  fast: &fast { max_window: 100ms }\nscenarios:\n  a: *fast\n",
			defaults:  "mw=- to=- er=-",
			labels:    map[string]string{"fast": "mw=100ms to=- er=-"},
			scenarios: map[string]string{"a": "mw=100ms to=- er=-"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBudgets(tt.file, []byte(tt.data))
			if err != nil {
				t.Fatalf("ParseBudgets: %v", err)
			}
			if b.File != tt.file {
				t.Errorf("File = %q, want %q", b.File, tt.file)
			}
			if got := limitsString(b.Defaults); got != tt.defaults {
				t.Errorf("defaults = %s, want %s", got, tt.defaults)
			}
			check := func(what string, got map[string]Limits, want map[string]string) {
				if len(got) != len(want) {
					t.Errorf("%s: %d entries, want %d", what, len(got), len(want))
				}
				for k, w := range want {
					l, ok := got[k]
					if !ok {
						t.Errorf("%s: no %q", what, k)
						continue
					}
					if g := limitsString(l); g != w {
						t.Errorf("%s[%q] = %s, want %s", what, k, g, w)
					}
				}
			}
			check("labels", b.Labels, tt.labels)
			check("scenarios", b.Scenarios, tt.scenarios)
		})
	}
}

func TestParseBudgetsErrors(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             string // the whole error message
		line             int    // of the first problem
		field            string // of the first problem
	}{
		{
			name: "bad duration", file: "budgets.yaml",
			data: "scenarios:\n  \"x\": { max_window: fast }\n",
			want: `budgets.yaml:2: scenarios."x".max_window: "fast" is not a duration (use e.g. 300ms)`,
			line: 2, field: `scenarios."x".max_window`,
		},
		{
			name: "bad duration in json", file: "budgets.json",
			data: "{\n  \"defaults\": {\n    \"total_outage\": \"soon\"\n  }\n}",
			want: `budgets.json:3: defaults.total_outage: "soon" is not a duration (use e.g. 300ms)`,
			line: 3, field: "defaults.total_outage",
		},
		{
			name: "boolean duration", file: "b.yaml",
			data: "defaults:\n  max_window: true\n",
			want: `b.yaml:2: defaults.max_window: true is not a duration (use e.g. 300ms)`,
			line: 2, field: "defaults.max_window",
		},
		{
			name: "negative duration", file: "b.yaml",
			data: "defaults:\n  max_window: -1s\n",
			want: `b.yaml:2: defaults.max_window: "-1s" is negative`,
			line: 2, field: "defaults.max_window",
		},
		{
			name: "negative milliseconds", file: "b.yaml",
			data: "labels:\n  gate:\n    total_outage: -5\n",
			want: `b.yaml:3: labels."gate".total_outage: -5 is negative`,
			line: 3, field: `labels."gate".total_outage`,
		},
		{
			name: "infinite milliseconds", file: "b.yaml",
			data: "defaults:\n  max_window: .inf\n",
			want: `b.yaml:2: defaults.max_window: .inf is not a finite number of milliseconds`,
			line: 2, field: "defaults.max_window",
		},
		{
			name: "missing value", file: "b.yaml",
			data: "defaults:\n  max_window:\n",
			want: `b.yaml:2: defaults.max_window: has no value (use e.g. 300ms)`,
			line: 2, field: "defaults.max_window",
		},
		{
			name: "negative error rate", file: "b.yaml",
			data: "defaults:\n  error_rate: -0.1\n",
			want: `b.yaml:2: defaults.error_rate: -0.1 is negative`,
			line: 2, field: "defaults.error_rate",
		},
		{
			name: "error rate as a percentage number", file: "b.yaml",
			data: "defaults:\n  error_rate: 5\n",
			want: `b.yaml:2: defaults.error_rate: 5 is above 1: error_rate is a fraction of ops (0.05 means 5%)`,
			line: 2, field: "defaults.error_rate",
		},
		{
			name: "error rate not a number", file: "b.yaml",
			data: "defaults:\n  error_rate: low\n",
			want: `b.yaml:2: defaults.error_rate: "low" is not an error rate (use a fraction of ops such as 0.05, or 5%)`,
			line: 2, field: "defaults.error_rate",
		},
		{
			name: "unknown top-level field", file: "b.yaml",
			data: "defaults: { max_window: 1s }\nscenario:\n  x: { max_window: 1s }\n",
			want: `b.yaml:2: scenario: unknown field; did you mean "scenarios"? (known: defaults, labels, scenarios)`,
			line: 2, field: "scenario",
		},
		{
			name: "unknown limit field", file: "b.yaml",
			data: "scenarios:\n  x:\n    max_windw: 1s\n",
			want: `b.yaml:3: scenarios."x".max_windw: unknown field; did you mean "max_window"? (known: max_window, total_outage, error_rate)`,
			line: 3, field: `scenarios."x".max_windw`,
		},
		{
			name: "duplicate scenario", file: "b.yaml",
			data: "scenarios:\n  x: { max_window: 1s }\n  x: { max_window: 2s }\n",
			want: `b.yaml:3: scenarios."x": defined twice (first on line 2)`,
			line: 3, field: `scenarios."x"`,
		},
		{
			name: "duplicate json key", file: "b.json",
			data: "{\"defaults\": {\"max_window\": 1,\n \"max_window\": 2}}",
			want: `b.json:2: defaults.max_window: defined twice (first on line 1)`,
			line: 2, field: "defaults.max_window",
		},
		{
			name: "empty scenario name", file: "b.yaml",
			data: "scenarios:\n  \"\": { max_window: 1s }\n",
			want: `b.yaml:2: scenarios: empty name`,
			line: 2, field: "scenarios",
		},
		{
			name: "labels not a mapping", file: "b.yaml",
			data: "defaults: { max_window: 1s }\nlabels: [gate, slow]\n",
			want: `b.yaml:2: labels: must be a mapping of name to limits`,
			line: 2, field: "labels",
		},
		{
			name: "limits not a mapping", file: "b.yaml",
			data: "defaults: 2s\n",
			want: `b.yaml:1: defaults: must be a mapping of max_window, total_outage, error_rate`,
			line: 1, field: "defaults",
		},
		{
			name: "top level not a mapping", file: "b.yaml",
			data: "- max_window: 1s\n",
			want: `b.yaml:1: must be a mapping with defaults, labels and scenarios`,
			line: 1,
		},
		{
			name: "yaml syntax", file: "b.yaml",
			data: "defaults:\n  max_window: 1s\n bad: [\n",
			want: `b.yaml:2: did not find expected key`,
			line: 2,
		},
		{
			name: "json syntax", file: "b.json",
			data: "{\n  \"defaults\": {\n    \"max_window\": 1,\n  }\n}",
			want: `b.json:4: invalid character '}' looking for beginning of object key string`,
			line: 4,
		},
		{
			name: "empty file", file: "b.yaml", data: "# nothing\n",
			want: `b.yaml: no budgets in the file (expected defaults, labels or scenarios)`,
		},
		{
			name: "no limit set", file: "b.yaml", data: "defaults: {}\nlabels:\n  gate: {}\n",
			want: `b.yaml:1: sets no limit (expected max_window, total_outage or error_rate under defaults, labels or scenarios)`,
			line: 1,
		},
		{
			name: "every problem is reported, in line order", file: "b.yaml",
			data: "defaults:\n  max_window: fast\n  total_outage: -1s\n",
			want: "b.yaml:2: defaults.max_window: \"fast\" is not a duration (use e.g. 300ms)\n" +
				"b.yaml:3: defaults.total_outage: \"-1s\" is negative",
			line: 2, field: "defaults.max_window",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBudgets(tt.file, []byte(tt.data))
			if err == nil {
				t.Fatalf("ParseBudgets = %+v, want an error", b)
			}
			if b != nil {
				t.Errorf("ParseBudgets returned budgets with the error")
			}
			if tt.want != "" && err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.file) {
				t.Errorf("error %q does not start with the file name", err)
			}
			if !errors.Is(err, ErrInvalidBudgets) {
				t.Errorf("error %v does not wrap ErrInvalidBudgets", err)
			}
			var be *BudgetError
			if !errors.As(err, &be) {
				t.Fatalf("error %v is not a *BudgetError", err)
			}
			if be.Line != tt.line || be.Field != tt.field {
				t.Errorf("first problem at line %d field %q, want line %d field %q", be.Line, be.Field, tt.line, tt.field)
			}
		})
	}
}

func TestLoadBudgets(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "budgets.yaml")
	if err := os.WriteFile(path, []byte(exampleYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := LoadBudgets(path)
	if err != nil {
		t.Fatalf("LoadBudgets: %v", err)
	}
	if b.File != path || b.Defaults.MaxWindow == nil || *b.Defaults.MaxWindow != 2*time.Second {
		t.Errorf("LoadBudgets = %+v", b)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"defaults": {"max_window": "fast"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadBudgets(bad)
	if want := bad + `:1: defaults.max_window: "fast" is not a duration (use e.g. 300ms)`; err == nil || err.Error() != want {
		t.Errorf("LoadBudgets(bad) = %v, want %s", err, want)
	}

	_, err = LoadBudgets(filepath.Join(dir, "missing.yaml"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "read budgets: ") {
		t.Errorf("LoadBudgets(missing) = %v, want a wrapped not-exist error", err)
	}
}

func TestValidate(t *testing.T) {
	data := "defaults: { max_window: 1s }\nscenarios:\n" +
		"  \"overlord in-service upgrade v1 to v2\": { max_window: 300ms }\n" +
		"  \"overlord upgrade v1 to v3\": { max_window: 300ms }\n" +
		"  \"something else entirely\": { max_window: 300ms }\n" +
		"labels:\n" +
		"  gate: { max_window: 1s }\n" +
		"  upgrades: { max_window: 1s }\n"
	b, err := ParseBudgets("budgets.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	known := []string{
		"overlord in-service upgrade v1 to v2",
		"overlord in-service upgrade v1 to v3",
		"overlord kill primary",
	}
	labels := []string{"gate", "upgrade", "slow"}
	tests := []struct {
		name          string
		b             *Budgets
		known, labels []string
		want          string
		is            []error
	}{
		{name: "no known names: nothing to check", b: b, known: nil, labels: labels},
		{name: "nil budgets", b: nil, known: known, labels: labels},
		{
			name: "unknown names and labels, with close ones", b: b, known: known, labels: labels,
			want: `budgets.yaml:4: scenarios."overlord upgrade v1 to v3": no such scenario; did you mean "overlord in-service upgrade v1 to v3" or "overlord in-service upgrade v1 to v2"?` + "\n" +
				`budgets.yaml:5: scenarios."something else entirely": no such scenario` + "\n" +
				`budgets.yaml:8: labels."upgrades": no scenario carries this label; did you mean "upgrade"?`,
			is: []error{ErrUnknownScenario, ErrUnknownLabel},
		},
		{
			name: "no scenario has a label", b: b, known: append([]string{"overlord upgrade v1 to v3", "something else entirely"}, known...),
			want: `budgets.yaml:7: labels."gate": no scenario carries this label (no scenario has a label)` + "\n" +
				`budgets.yaml:8: labels."upgrades": no scenario carries this label (no scenario has a label)`,
			is: []error{ErrUnknownLabel},
		},
		{
			name: "all known", b: b,
			known:  append([]string{"overlord upgrade v1 to v3", "something else entirely"}, known...),
			labels: append([]string{"upgrades"}, labels...),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.b.Validate(tt.known, tt.labels)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Validate:\n got %v\nwant %s", err, tt.want)
			}
			for _, is := range tt.is {
				if !errors.Is(err, is) {
					t.Errorf("error does not wrap %v", is)
				}
			}
		})
	}
}

func TestPrecedence(t *testing.T) {
	b := &Budgets{
		Defaults: Limits{MaxWindow: dur(2 * time.Second), TotalOutage: dur(5 * time.Second), ErrorRate: rate(0.05)},
		Labels: map[string]Limits{
			"gate":  {MaxWindow: dur(time.Second)},
			"tight": {MaxWindow: dur(500 * time.Millisecond), TotalOutage: dur(time.Second)},
			"lax":   {ErrorRate: rate(0.2)}, // looser than the defaults, and still wins over them
		},
		Scenarios: map[string]Limits{
			"pinned": {MaxWindow: dur(3 * time.Second)}, // looser than its label, and still wins
		},
	}
	tests := []struct {
		name, scenario string
		labels         []string
		want           string
	}{
		{"defaults only", "other", nil, "mw=2s to=5s er=0.05"},
		{"unknown label", "other", []string{"nope"}, "mw=2s to=5s er=0.05"},
		{"label over defaults", "other", []string{"gate"}, "mw=1s to=5s er=0.05"},
		{"looser label over defaults", "other", []string{"lax"}, "mw=2s to=5s er=0.2"},
		{"strictest label per field", "other", []string{"gate", "tight", "lax"}, "mw=500ms to=1s er=0.2"},
		{"strictest label, order does not matter", "other", []string{"tight", "gate"}, "mw=500ms to=1s er=0.05"},
		{"scenario over labels, field by field", "pinned", []string{"tight"}, "mw=3s to=1s er=0.05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := limitsString(b.For(tt.scenario, tt.labels)); got != tt.want {
				t.Errorf("For(%q, %q) = %s, want %s", tt.scenario, tt.labels, got, tt.want)
			}
		})
	}
	if got := limitsString((*Budgets)(nil).For("x", nil)); got != "mw=- to=- er=-" {
		t.Errorf("nil budgets: For = %s, want no limits", got)
	}
}

// FuzzParseBudgets checks that no input panics, and that whatever parses
// holds only usable limits.
func FuzzParseBudgets(f *testing.F) {
	f.Add("b.yaml", exampleYAML)
	f.Add("b.json", exampleJSON)
	f.Add("b.yaml", "defaults:\n  max_window: -1s\n")
	f.Add("b", "{\"defaults\": {\"error_rate\": \"5%\"}}")
	f.Add("b.yaml", "labels:\n  a: &x { max_window: 1 }\nscenarios:\n  b: *x\n")
	f.Fuzz(func(t *testing.T, name, data string) {
		b, err := ParseBudgets(name, []byte(data))
		if err != nil {
			if !errors.Is(err, ErrInvalidBudgets) {
				t.Fatalf("error %v does not wrap ErrInvalidBudgets", err)
			}
			return
		}
		all := []Limits{b.Defaults}
		for _, l := range b.Labels {
			all = append(all, l)
		}
		for _, l := range b.Scenarios {
			all = append(all, l)
		}
		for _, l := range all {
			if (l.MaxWindow != nil && *l.MaxWindow < 0) || (l.TotalOutage != nil && *l.TotalOutage < 0) {
				t.Fatalf("negative duration parsed from %q", data)
			}
			if l.ErrorRate != nil && (*l.ErrorRate < 0 || *l.ErrorRate > 1 || math.IsNaN(*l.ErrorRate)) {
				t.Fatalf("error rate %v parsed from %q", *l.ErrorRate, data)
			}
		}
	})
}
