package planner

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/upgrade"
)

var (
	v12   = []string{"v1", "v2"}
	v123  = []string{"v1", "v2", "v3"}
	v1234 = []string{"v1", "v2", "v3", "v4"}
)

// The three topologies of the golden matrix, at three versions.
var matrixTopologies = []struct {
	name string
	c    Config
}{
	{"overlord", Config{Service: "driver", Versions: v123}},
	{"standby", Config{Service: "driver", Versions: v123, Standby: true}},
	{"cluster-3", Config{Cluster: "kv", Members: members(3), Versions: v123}},
}

// Every entry of the matrix on each topology, as `hatest plan` prints
// it: testdata/matrix-<topology>-<entry>.golden.
func TestGoldenMatrix(t *testing.T) {
	for _, topo := range matrixTopologies {
		for _, e := range Matrix(topo.c) {
			file := fmt.Sprintf("matrix-%s-%s.golden", topo.name, slug(e.Name))
			t.Run(file, func(t *testing.T) {
				steps, _ := e.Plan(rand.New(rand.NewPCG(1, 7)))
				golden(t, file, fmt.Sprintf("matrix: %s on %s", e.Name, topo.name), 1, e.Config, e.Start, steps)
			})
		}
	}
}

func slug(s string) string {
	s = strings.NewReplacer("->", "to", "%", "pc").Replace(strings.ToLower(s))
	return strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(s, "-"), "-")
}

func names(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

// The entries the versions and the topology can give, named stably; the
// others are left out.
func TestMatrixEntries(t *testing.T) {
	for _, tt := range []struct {
		c    Config
		want []string
	}{
		{Config{Service: "driver", Versions: []string{"v1"}}, nil},
		{Config{Service: "driver", Versions: v12}, []string{"N-1 -> N", "downgrade rehearsal"}},
		{Config{Service: "driver", Versions: v123}, []string{"N-1 -> N", "N-2 -> N", "downgrade rehearsal"}},
		{Config{Service: "driver", Versions: v12, Standby: true}, []string{"N-1 -> N", "downgrade rehearsal", "rollback at 50%"}},
		{Config{Cluster: "kv", Members: members(5), Versions: v1234, RollbackAt: 30}, []string{"N-1 -> N", "N-2 -> N", "downgrade rehearsal", "rollback at 30%"}},
	} {
		got := Matrix(tt.c)
		if !slices.Equal(names(got), tt.want) {
			t.Errorf("Matrix(%v, standby %v, cluster %q) = %v, want %v", tt.c.Versions, tt.c.Standby, tt.c.Cluster, names(got), tt.want)
		}
		n := tt.c.Versions[len(tt.c.Versions)-1]
		for _, e := range got {
			start := last(tt.c.Versions, 1)
			if e.Kind == SkipVersion {
				start = last(tt.c.Versions, 2)
			}
			if e.Start != start || e.Final != n || e.Config.Kind != e.Kind {
				t.Errorf("%s: start %s, final %s, kind %v; want %s, %s, %v", e.Name, e.Start, e.Final, e.Config.Kind, start, n, e.Kind)
			}
		}
	}
}

// sim follows the versions a plan leaves its topology at, leaf by leaf,
// and fails on a step that upgrades from a version the member does not
// run.
type sim struct {
	t     *testing.T
	order []string          // the members, in declared order
	at    map[string]string // member -> version
	// A standby pair's two drivers are named for their first roles,
	// "secondary" and "primary" (the secondary is upgraded first); these
	// are the roles they have now.
	primary, secondary string
	// back is the members rolled back, in the order they were.
	back []string
}

func newSim(t *testing.T, c Config, start string) *sim {
	s := &sim{t: t, at: map[string]string{}}
	switch {
	case c.Cluster != "":
		s.order = slices.Clone(c.Members)
	case c.Standby:
		s.order = []string{"secondary", "primary"}
		s.primary, s.secondary = "primary", "secondary"
	default:
		s.order = []string{c.Service}
	}
	for _, m := range s.order {
		s.at[m] = start
	}
	return s
}

// memberStep is a rolling upgrade's member step, as it describes itself.
var memberStep = regexp.MustCompile(`^(upgrade|downgrade|roll back) (\S+) (\S+) -> (\S+)$`)

func (s *sim) run(st step.Step) {
	s.t.Helper()
	if ch := st.Meta().Children; len(ch) > 0 {
		for _, c := range ch {
			s.run(c)
		}
		return
	}
	inner := st
	for {
		n, ok := inner.(named)
		if !ok {
			break
		}
		inner = n.Step
	}
	rollback := strings.HasPrefix(st.Description(), "roll back") || strings.Contains(st.Description(), "then roll back")
	switch x := inner.(type) {
	case upgrade.Overlord:
		s.move(x.Service, x.From, x.To, rollback)
	case upgrade.PrepareStep:
		if rollback {
			s.back = append(s.back, s.secondary)
		}
		s.at[s.secondary] = x.Version
	case upgrade.SwitchoverStep:
		if s.at[s.secondary] != x.Version {
			s.t.Fatalf("%q: the secondary runs %s", st.Description(), s.at[s.secondary])
		}
		if rollback {
			s.back = append(s.back, s.primary)
		}
		// The secondary takes over; the old primary is upgraded and
		// rejoins as the secondary.
		s.at[s.primary] = x.Version
		s.primary, s.secondary = s.secondary, s.primary
	case fault.Step:
	default:
		if st.Meta().Idle {
			return
		}
		m := memberStep.FindStringSubmatch(st.Description())
		if m == nil {
			s.t.Fatalf("a step the simulation does not know: %T %q", inner, st.Description())
		}
		s.move(m[2], m[3], m[4], m[1] == "roll back")
	}
}

func (s *sim) move(m, from, to string, rollback bool) {
	s.t.Helper()
	if s.at[m] != from {
		s.t.Fatalf("%s is upgraded from %s but runs %s (%v)", m, from, s.at[m], s.at)
	}
	if rollback {
		s.back = append(s.back, m)
	}
	s.at[m] = to
}

// atVersion is the members at v, in declared order.
func (s *sim) atVersion(v string) []string {
	var out []string
	for _, m := range s.order {
		if s.at[m] == v {
			out = append(out, m)
		}
	}
	return out
}

// isRollback reports whether top-level step st is a rollback's
// roll-back, or runs one beside a fault.
func isRollback(st step.Step) bool {
	if strings.HasPrefix(st.Description(), "roll back") {
		return true
	}
	if ch := st.Meta().Children; len(ch) == 2 && !st.Meta().Sequential {
		seq := ch[1].Meta().Children
		return len(seq) > 0 && strings.HasPrefix(seq[len(seq)-1].Description(), "roll back")
	}
	return false
}

func matrixConfigs() []Config {
	var out []Config
	for _, vs := range [][]string{v12, v123, v1234} {
		out = append(out, Config{Service: "driver", Versions: vs}, Config{Service: "driver", Versions: vs, Standby: true})
		for n := 1; n <= 5; n++ {
			out = append(out, Config{Cluster: "kv", Members: members(n), Versions: vs})
		}
	}
	return out
}

// The properties, over seeds, topologies and versions: every entry's
// plan is within MaxSteps, upgrades each member only from the version it
// runs, and ends with every member at N; a rollback's roll-back leaves
// every member at N-1, the members it upgraded rolled back last first.
func TestMatrixPlans(t *testing.T) {
	for _, c := range matrixConfigs() {
		for _, e := range Matrix(c) {
			for seed := range uint64(60) {
				ctx := fmt.Sprintf("%s of %s at %v, seed %d", e.Name, topology(c), c.Versions, seed)
				steps, final := e.Plan(rand.New(rand.NewPCG(seed, 3)))
				if final != e.Final || final != last(c.Versions, 0) {
					t.Fatalf("%s: ends at %s, want N = %s", ctx, final, last(c.Versions, 0))
				}
				if n := Length(steps); n > DefaultMaxSteps {
					t.Fatalf("%s: %d steps, over the bound %d", ctx, n, DefaultMaxSteps)
				}
				s := newSim(t, c, e.Start)
				rolledBack := false
				for _, st := range steps {
					s.run(st)
					if e.Kind == Rollback && isRollback(st) {
						rolledBack = true
						if at := s.atVersion(last(c.Versions, 1)); len(at) != len(s.order) {
							t.Fatalf("%s: after %q only %v run N-1 (%v)", ctx, st.Description(), at, s.at)
						}
						k := (50*len(s.order) + 99) / 100
						want := slices.Clone(s.order[:k])
						slices.Reverse(want)
						if !slices.Equal(s.back, want) {
							t.Fatalf("%s: rolled back %v, want %v", ctx, s.back, want)
						}
					}
				}
				if e.Kind == Rollback && !rolledBack {
					t.Fatalf("%s: no roll-back in the plan:\n%s", ctx, describe(steps))
				}
				if at := s.atVersion(final); len(at) != len(s.order) {
					t.Fatalf("%s: only %v end at %s (%v):\n%s", ctx, at, final, s.at, describe(steps))
				}
			}
		}
	}
}

// RollbackAt at every share of clusters of 1 to 7, of a standby pair
// and of a single service: the first ceil(X % of n) members, in declared
// order, go to N; the roll-back takes them back in reverse order and
// leaves every member at N-1.
func TestRollbackAtLeavesEveryMemberAtNMinus1(t *testing.T) {
	var cs []Config
	for n := 1; n <= 7; n++ {
		cs = append(cs, Config{Cluster: "kv", Members: members(n)})
	}
	cs = append(cs, Config{Service: "driver", Standby: true}, Config{Service: "driver"})
	for _, c := range cs {
		for pct := 1; pct <= 100; pct++ {
			ctx := fmt.Sprintf("%s at %d%%", topology(c), pct)
			up, back := RollbackAt(c, "v1", "v2", pct)
			s := newSim(t, c, "v1")
			s.run(up)
			n := len(s.order)
			k := (pct*n + 99) / 100
			if k < 1 || k > n || float64(k) < float64(pct)*float64(n)/100 || float64(k-1) >= float64(pct)*float64(n)/100 {
				t.Fatalf("%s: k = %d is not ceil(%d%% of %d)", ctx, k, pct, n)
			}
			if got := s.atVersion("v2"); !slices.Equal(got, s.order[:k]) {
				t.Fatalf("%s: the partial upgrade left %v at v2, want the first %d, %v", ctx, got, k, s.order[:k])
			}
			s.run(back)
			if got := s.atVersion("v1"); len(got) != n {
				t.Fatalf("%s: the roll-back left only %v at v1 (%v)", ctx, got, s.at)
			}
			want := slices.Clone(s.order[:k])
			slices.Reverse(want)
			if !slices.Equal(s.back, want) {
				t.Fatalf("%s: rolled back %v, want %v: the last upgraded first", ctx, s.back, want)
			}
		}
	}
	for _, pct := range []int{0, -5, 101} {
		func() {
			defer func() {
				if v := recover(); v == nil || strings.Contains(fmt.Sprint(v), "\n") {
					t.Errorf("RollbackAt %d%%: want a one-line panic, got %v", pct, v)
				}
			}()
			RollbackAt(Config{Service: "driver"}, "v1", "v2", pct)
		}()
	}
}

// The steps read as what they do.
func TestRollbackNames(t *testing.T) {
	for _, tt := range []struct {
		c        Config
		up, back string
	}{
		{Config{Cluster: "nats", Members: []string{"e1", "e2", "e3"}},
			"rolling upgrade v2.14.10 -> v2.15.3 of e1, e2 only (2 of 3 members: rollback at 50%), 1s apart",
			"roll back e2, e1 to v2.14.10, 1s apart"},
		{Config{Service: "driver", Standby: true},
			"upgrade driver's secondary only (1 of 2: rollback at 50%): restart it at v2.15.3, replicating from the primary",
			"roll back driver's secondary to v2.14.10: restart it at v2.14.10, replicating from the primary"},
		{Config{Service: "driver"},
			"upgrade driver v2.14.10 -> v2.15.3 via overlord (kill and restart)",
			"roll back driver v2.15.3 -> v2.14.10 via overlord (kill and restart)"},
	} {
		up, back := RollbackAt(tt.c, "v2.14.10", "v2.15.3", 50)
		if up.Description() != tt.up || back.Description() != tt.back {
			t.Errorf("%s:\n  %s\n  %s\nwant\n  %s\n  %s", topology(tt.c), up.Description(), back.Description(), tt.up, tt.back)
		}
		if !back.Meta().ExpectsOutage && !tt.c.Standby {
			t.Errorf("%s: the roll-back expects no outage", topology(tt.c))
		}
	}
}

// How long each entry's plan is with no fault, per topology: the
// numbers doc.go gives.
func TestMatrixLengths(t *testing.T) {
	want := map[string][]int{ // in Matrix order
		"overlord":  {2, 2, 6},
		"standby":   {4, 4, 12, 8},
		"cluster-3": {6, 6, 18, 14},
	}
	for _, topo := range matrixTopologies {
		c := topo.c
		c.MaxFaults = -1
		var got []int
		for _, e := range Matrix(c) {
			steps, _ := e.Plan(rand.New(rand.NewPCG(1, 1)))
			got = append(got, Length(steps))
		}
		if !slices.Equal(got, want[topo.name]) {
			t.Errorf("%s: lengths %v, want %v", topo.name, got, want[topo.name])
		}
	}
	// A standby pair rolled back whole: the switchover and its undoing.
	c := Config{Service: "driver", Versions: v12, Standby: true, Kind: Rollback, RollbackAt: 100, MaxFaults: -1}
	if steps, _ := Plan(rand.New(rand.NewPCG(1, 1)), c); Length(steps) != 12 {
		t.Errorf("standby rollback at 100%%: %d steps, want 12:\n%s", Length(steps), describe(steps))
	}
}

func faultsOf(steps []step.Step) []string {
	var out []string
	var walk func(st step.Step)
	walk = func(st step.Step) {
		if _, ok := st.(fault.Step); ok {
			out = append(out, st.Description())
		}
		for _, ch := range st.Meta().Children {
			walk(ch)
		}
	}
	for _, st := range steps {
		walk(st)
	}
	return out
}

// The bound: no plan is over MaxSteps. One that would be loses its last
// faults first, keeping the others as drawn; one that is over with no
// fault panics in one line naming its length and the bound, and only
// then.
func TestPlansWithinMaxSteps(t *testing.T) {
	var cs []Config
	for _, c := range matrixConfigs() {
		cs = append(cs, c)
		for _, e := range Matrix(c) {
			cs = append(cs, e.Config)
		}
	}
	cs = append(cs, clusterConfig(7), Config{Service: "driver", Versions: v1234, SkipHops: true, Rehearse: true})
	cut := 0
	for i, c := range cs {
		for seed := range uint64(40) {
			c.MaxFaults = 3
			c.MaxSteps = 8 + int(seed)
			uncut := c
			uncut.MaxSteps = 1000
			all, _ := Plan(rand.New(rand.NewPCG(seed, 9)), uncut)
			none := uncut
			none.MaxFaults = -1
			bare, _ := Plan(rand.New(rand.NewPCG(seed, 9)), none)
			ctx := fmt.Sprintf("config %d (%s, %v) seed %d, MaxSteps %d", i, topology(c), c.Kind, seed, c.MaxSteps)
			var steps []step.Step
			var msg any
			func() {
				defer func() { msg = recover() }()
				steps, _ = Plan(rand.New(rand.NewPCG(seed, 9)), c)
			}()
			if Length(bare) > c.MaxSteps && c.Kind != Drawn {
				want := fmt.Sprintf("is %d steps with no fault in it, over MaxSteps %d", Length(bare), c.MaxSteps)
				if msg == nil || !strings.Contains(fmt.Sprint(msg), want) || strings.Contains(fmt.Sprint(msg), "\n") {
					t.Fatalf("%s: the path alone is %d steps; want a one-line panic with %q, got %v", ctx, Length(bare), want, msg)
				}
				continue
			}
			if msg != nil {
				if c.Kind == Drawn && strings.Contains(fmt.Sprint(msg), "over MaxSteps") {
					continue // a drawn path (and its detour) can be over the bound by itself
				}
				t.Fatalf("%s: panicked: %v", ctx, msg)
			}
			if n := Length(steps); n > c.MaxSteps {
				t.Fatalf("%s: %d steps", ctx, n)
			}
			kept, drawn := faultsOf(steps), faultsOf(all)
			if !slices.Equal(kept, drawn[:len(kept)]) {
				t.Fatalf("%s: kept faults %v, want the first of %v", ctx, kept, drawn)
			}
			if len(kept) < len(drawn) {
				cut++
				if Length(all) <= c.MaxSteps {
					t.Fatalf("%s: faults cut from a plan of %d steps", ctx, Length(all))
				}
			}
		}
	}
	if cut == 0 {
		t.Fatal("no plan had a fault cut: the test does not reach the bound")
	}
}

func TestBoundRefusesInOneLine(t *testing.T) {
	defer func() {
		v := fmt.Sprint(recover())
		want := "planner: the downgrade rehearsal plan of cluster kv (7 members) is 42 steps with no fault in it, over MaxSteps 40"
		if !strings.HasPrefix(v, want) || strings.Contains(v, "\n") {
			t.Fatalf("panic %q, want one line starting %q", v, want)
		}
	}()
	Plan(rand.New(rand.NewPCG(1, 1)), Config{Cluster: "kv", Members: members(7), Versions: v12, Kind: Rehearsal})
}

func TestMatrixSameSeedSamePlan(t *testing.T) {
	for _, topo := range matrixTopologies {
		for _, e := range Matrix(topo.c) {
			first, _ := e.Plan(rand.New(rand.NewPCG(42, 7)))
			seen := map[string]bool{}
			for seed := range uint64(10) {
				p, _ := e.Plan(rand.New(rand.NewPCG(seed, 7)))
				seen[describe(p)] = true
			}
			for range 20 {
				again, _ := e.Plan(rand.New(rand.NewPCG(42, 7)))
				if describe(again) != describe(first) {
					t.Fatalf("%s on %s: seed 42 gave two plans:\n%s\n---\n%s", e.Name, topo.name, describe(first), describe(again))
				}
			}
			if len(seen) < 3 {
				t.Errorf("%s on %s: 10 seeds gave %d plans: the seed does not reach it", e.Name, topo.name, len(seen))
			}
		}
	}
}

func TestMatrixConfigMistakes(t *testing.T) {
	for name, c := range map[string]Config{
		"N-2 -> N with two versions": {Service: "driver", Versions: v12, Kind: SkipVersion},
		"a rehearsal of one version": {Service: "driver", Versions: []string{"v1"}, Kind: Rehearsal},
		"rollback at 150%":           {Service: "driver", Versions: v12, Kind: Rollback, RollbackAt: 150},
		"a negative bound":           {Service: "driver", Versions: v12, MaxSteps: -1},
	} {
		func() {
			defer func() {
				if v := recover(); v == nil || strings.Contains(fmt.Sprint(v), "\n") {
					t.Errorf("%s: want a one-line panic, got %v", name, v)
				}
			}()
			Plan(rand.New(rand.NewPCG(1, 1)), c)
		}()
	}
}
