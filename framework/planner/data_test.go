package planner

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dataConfigs are topologies of every kind the planner plans for.
func dataConfigs() map[string]Config {
	v3 := []string{"v1", "v2", "v3"}
	out := map[string]Config{
		"single":  {Service: "driver", Versions: v3, SkipHops: true, Rehearse: true, MaxFaults: 4},
		"standby": {Service: "driver", Versions: v3, Standby: true, MaxFaults: 3},
		"cluster": clusterConfig(5),
	}
	for _, e := range Matrix(Config{Cluster: "kv", Members: members(3), Versions: v3, MaxFaults: 2}) {
		out["cluster "+e.Name] = e.Config
	}
	for _, e := range Matrix(Config{Service: "driver", Standby: true, Versions: v3, MaxFaults: 2}) {
		out["standby "+e.Name] = e.Config
	}
	return out
}

// A plan written as data and read back builds the very steps the seed
// drew: the file is the plan.
func TestDataRoundTrip(t *testing.T) {
	for name, c := range dataConfigs() {
		for seed := range uint64(40) {
			want, wantFinal := Plan(rand.New(rand.NewPCG(seed, 7)), c)
			d := Draw(rand.New(rand.NewPCG(seed, 7)), c)
			back, err := Parse(d.JSON())
			if err != nil {
				t.Fatalf("%s seed %d: %v\n%s", name, seed, err, d.JSON())
			}
			got, final, err := back.Build(c)
			if err != nil {
				t.Fatalf("%s seed %d: %v", name, seed, err)
			}
			if describe(got) != describe(want) || final != wantFinal || d.Final != final || d.Steps != Length(want) {
				t.Fatalf("%s seed %d: the plan read back differs:\n%s\nwant:\n%s (final %s/%s, steps %d)", name, seed, describe(got), describe(want), final, wantFinal, d.Steps)
			}
		}
	}
}

// One plan file, kept as a golden file: its format is what users keep
// and edit, so a change to it shows up here.
func TestGoldenPlanFile(t *testing.T) {
	d := Draw(rand.New(rand.NewPCG(42, 7)), Config{Service: "driver", Versions: []string{"v1", "v2", "v3"}, Rehearse: true, MaxFaults: 3})
	d.Scenario, d.Package, d.Seed = "seeded random upgrade plan", "./scenarios", 42
	path := filepath.Join("testdata", "plan-file-seed-42.json.golden")
	if *update {
		if err := os.WriteFile(path, d.JSON(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(d.JSON()) != string(want) {
		t.Errorf("plan file differs from %s (go test -update to accept):\n%s", path, d.JSON())
	}
}

// A plan file that does not fit the scenario, or is not a plan file, is
// refused in one line that says what is wrong.
func TestDataRefused(t *testing.T) {
	c := Config{Service: "driver", Versions: []string{"v1", "v2", "v3"}, Rehearse: true, MaxFaults: 3}
	base := Draw(rand.New(rand.NewPCG(42, 7)), c)
	firstFault := slices.IndexFunc(base.Items, func(it Item) bool { return it.Kind == KindFault })
	if firstFault < 0 {
		t.Fatal("seed 42 drew no fault; pick another")
	}
	edit := func(fn func(d *Data)) Data {
		d := base
		d.Items = make([]Item, len(base.Items))
		for i, it := range base.Items {
			it.Params = map[string]int64{}
			for k, v := range base.Items[i].Params {
				it.Params[k] = v
			}
			d.Items[i] = it
		}
		fn(&d)
		return d
	}
	for name, tc := range map[string]struct {
		d    Data
		c    Config
		want string
	}{
		"another topology":  {base, Config{Service: "driver", Standby: true, Versions: c.Versions}, "the plan is for service driver"},
		"another service":   {base, Config{Service: "web", Versions: c.Versions}, "the scenario declares service web"},
		"fewer versions":    {base, Config{Service: "driver", Versions: []string{"v1", "v2"}}, "versions v1, v2, v3"},
		"no rehearsals":     {base, Config{Service: "driver", Versions: c.Versions, MaxFaults: 3}, "drawn, rehearsals; the scenario declares service driver, versions v1, v2, v3, drawn"},
		"unknown rule":      {edit(func(d *Data) { d.Items[firstFault].Rule = "meteor strike" }), c, `no rule "meteor strike"`},
		"missing parameter": {edit(func(d *Data) { delete(d.Items[firstFault].Params, "hold_ms") }), c, "has no hold_ms"},
		"no-op upgrade":     {edit(func(d *Data) { d.Items[0].To = d.Start }), c, "goes nowhere"},
		"unknown version":   {edit(func(d *Data) { d.Items[0].To = "v9"; d.Items[1].From = "" }), c, "version v9 is not one of"},
		"wrong start":       {edit(func(d *Data) { d.Start = "v2"; d.Items[0].From = "" }), c, "starts at v2"},
		"duplicate IDs":     {edit(func(d *Data) { d.Items[1].ID = d.Items[0].ID }), c, "IDs must be unique"},
	} {
		_, _, err := tc.d.Build(tc.c)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %v, want one line with %q", name, err, tc.want)
		}
	}

	cl := Config{Cluster: "kv", Members: members(3), Versions: []string{"v1", "v2"}, MaxFaults: 4}
	for seed := range uint64(200) {
		d := Draw(rand.New(rand.NewPCG(seed, 1)), cl)
		i := slices.IndexFunc(d.Items, func(it Item) bool { return len(it.Members) == 1 && strings.Contains(it.Rule, "isolation") })
		if i < 0 {
			continue
		}
		for name, ms := range map[string][]string{"two where one": {"e1", "e2"}, "no member": {"e9"}} {
			d.Items[i].Members = ms
			if _, _, err := d.Build(cl); err == nil {
				t.Errorf("%s: a fault on members %v was built", name, ms)
			}
		}
		return
	}
	t.Fatal("no seed drew an isolation of one member")
}

func TestParseRefuses(t *testing.T) {
	good := string(Draw(rand.New(rand.NewPCG(1, 7)), Config{Service: "driver", Versions: []string{"v1", "v2"}}).JSON())
	for name, tc := range map[string]struct{ text, want string }{
		"not JSON":       {"steps: 3", "not a plan file"},
		"unknown field":  {strings.Replace(good, `"schema"`, `"colour": 1, "schema"`, 1), "unknown field"},
		"another schema": {strings.Replace(good, `"schema": 1`, `"schema": 7`, 1), "schema 7"},
		"two values":     {good + good, "more than one"},
		"no versions":    {`{"schema": 1, "start": "v1", "items": []}`, "no topology versions"},
	} {
		_, err := Parse([]byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %v, want one line with %q", name, err, tc.want)
		}
	}
}

// Keep drops items and sets each upgrade's From to where the plan is
// then; Needs ties a fault during an upgrade to it, and a rollback's
// halves to each other; Chain refuses what could not run.
func TestKeepNeedsChain(t *testing.T) {
	d := Data{Schema: Schema, Start: "v1", Topology: Topology{Service: "driver", Versions: []string{"v1", "v2", "v3"}, Kind: "drawn", SkipHops: true}, Items: []Item{
		{ID: 1, Kind: KindUpgrade, From: "v1", To: "v2", Move: MoveUp},
		{ID: 2, Kind: KindFault, Rule: "latency on the client link", During: 1},
		{ID: 3, Kind: KindUpgrade, From: "v2", To: "v3", Move: MoveUp},
		{ID: 4, Kind: KindFault, Rule: "SIGKILL of the primary driver (the overlord restarts it)"},
	}}
	if err := d.Chain(); err != nil {
		t.Fatal(err)
	}
	if got := d.Needs(1); !slices.Equal(got, []int{0}) {
		t.Errorf("the fault during item 1 needs %v, want [0]", got)
	}
	k := d.Keep([]bool{false, false, true, true})
	if k.Items[0].From != "v1" || k.Final != "v3" || k.Chain() != nil {
		t.Errorf("kept: %+v (chain %v)", k.Items, k.Chain())
	}
	if err := d.Keep([]bool{false, true, true, true}).Chain(); err == nil {
		t.Error("a fault kept without the upgrade it runs during passed Chain")
	}
	// Without SkipHops, dropping v1 -> v2 would make a hop the scenario
	// never draws: v1 -> v3.
	d.Topology.SkipHops = false
	if err := d.Keep([]bool{false, false, true, true}).Chain(); err == nil || !strings.Contains(err.Error(), "over v2") {
		t.Errorf("a skip hop without SkipHops: %v", err)
	}
	d.Items[0].Move = "sideways"
	if err := d.Chain(); err == nil || !strings.Contains(err.Error(), `move "sideways"`) {
		t.Errorf("an unknown move: %v", err)
	}

	r := Data{Schema: Schema, Start: "v1", Items: []Item{
		{ID: 1, Kind: KindUpgrade, To: "v2", Move: MovePartial},
		{ID: 2, Kind: KindUpgrade, To: "v1", Move: MoveBack},
		{ID: 3, Kind: KindUpgrade, To: "v2", Move: MoveUp},
	}}
	if got := fmt.Sprint(r.Needs(0), r.Needs(1)); got != "[1] [0]" {
		t.Errorf("a rollback's halves need %s, want [1] [0]", got)
	}
	if err := r.Keep([]bool{true, false, true}).Chain(); err == nil {
		t.Error("a partial upgrade kept without its roll-back passed Chain")
	}
	if err := r.Keep([]bool{false, false, true}).Chain(); err != nil {
		t.Errorf("the upgrade alone: %v", err)
	}
}
