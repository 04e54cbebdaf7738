package planner

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/upgrade"
)

func members(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("e%d", i+1)
	}
	return out
}

// clusterConfig is a cluster of n with every detour and fault allowed.
// These plans are drawn to test the rules, not run: their bound is high
// enough (4 hops of 7 members and 4 faults are 64 steps) that no fault
// is cut.
func clusterConfig(n int) Config {
	return Config{Cluster: "kv", Members: members(n), Versions: []string{"v1", "v2", "v3"}, SkipHops: true, Rehearse: true, MaxFaults: 4, MaxSteps: 100}
}

// The budget: a majority must reach each other, and during a rolling
// upgrade one member is already down.
func TestUnreachable(t *testing.T) {
	want := map[int][2]int{ // n: {Between, During}
		1: {0, 0}, 2: {0, 0}, 3: {1, 0}, 4: {1, 0}, 5: {2, 1}, 6: {2, 1}, 7: {3, 2},
	}
	for n, w := range want {
		if got := [2]int{Unreachable(n, Between), Unreachable(n, During)}; got != w {
			t.Errorf("Unreachable(%d) = %v (Between, During), want %v", n, got, w)
		}
	}
}

// placed is a fault the plan draws, with where it went.
type placed struct {
	f    fault.Fault
	when When
}

// clusterFaults walks a cluster plan: faults at the top level are
// between upgrades, a fault run concurrently with a rolling upgrade is
// during it. It fails on any other shape, and on a hop that is not a
// rolling upgrade of every member in declared order.
func clusterFaults(t *testing.T, steps []step.Step, ms []string) []placed {
	t.Helper()
	var out []placed
	rolling := func(st step.Step) {
		t.Helper()
		u, ok := st.(upgrade.RollingStep)
		if !ok {
			t.Fatalf("a cluster's hop is %T (%s), want a rolling upgrade", st, st.Description())
		}
		if !slices.Equal(u.Replicas, ms) || !slices.Equal(u.Meta().Targets, ms) {
			t.Fatalf("the rolling upgrade targets %v, want the members %v", u.Meta().Targets, ms)
		}
	}
	for _, st := range steps {
		switch s := st.(type) {
		case fault.Step:
			out = append(out, placed{s.Fault, Between})
		case upgrade.RollingStep:
			rolling(s)
		default:
			if st.Meta().Idle {
				continue
			}
			ch := st.Meta().Children
			if len(ch) != 2 {
				t.Fatalf("unexpected step in a cluster plan: %s", st.Description())
			}
			f, ok := ch[0].(fault.Step)
			if !ok {
				t.Fatalf("the first branch of %q is not a fault", st.Description())
			}
			seq := ch[1].Meta().Children
			rolling(seq[len(seq)-1])
			out = append(out, placed{f.Fault, During})
		}
	}
	return out
}

// takesMembers reports whether f is a fault that makes members
// unreachable: a cut of any kind.
func takesMembers(f fault.Fault) bool {
	_, ok := f.(*fault.Cut)
	return ok
}

// unreachable is how many members the cut f makes unreachable: those
// outside the largest group that reach each other (the smaller side of a
// partition), or the one member cut from its clients.
func unreachable(ms []string, f fault.Fault) int {
	blocked := f.(*fault.Cut).Blocked(ms)
	if len(blocked) == 0 {
		return 1 // CutClients: no pair of members is cut
	}
	best := 0
	for _, x := range ms {
		reach := 1
		for _, y := range ms {
			if y != x && !slices.Contains(blocked, [2]string{x, y}) && !slices.Contains(blocked, [2]string{y, x}) {
				reach++
			}
		}
		best = max(best, reach)
	}
	return len(ms) - best
}

// checkQuorum fails when f, placed at w, leaves no quorum (by
// fault.KeepsQuorum): at rest on its own, during a rolling upgrade with
// any one member down. It also fails on a cut that asks for no quorum,
// and on a fault the runner would refuse in that topology.
func checkQuorum(t *testing.T, ms []string, p placed, ctx string) {
	t.Helper()
	if ch, ok := p.f.(fault.Checked); ok {
		if err := ch.Check(fault.Topology{Clusters: map[string][]string{"kv": ms}, Nodes: ms}); err != nil {
			t.Fatalf("%s: the runner would refuse %s: %v", ctx, p.f.Name(), err)
		}
	}
	c, ok := p.f.(*fault.Cut)
	if !ok {
		return
	}
	if c.Name() == c.WithoutQuorum().Name() {
		t.Fatalf("%s: the planner drew a partition WithoutQuorum: %s", ctx, c.Name())
	}
	downs := []string{""}
	if p.when == During {
		downs = ms
	}
	for _, d := range downs {
		var down []string
		if d != "" {
			down = []string{d}
		}
		if !fault.KeepsQuorum(ms, c.Blocked(ms), down...) {
			t.Fatalf("%s: %s with %v down leaves the %d members no quorum", ctx, c.Name(), down, len(ms))
		}
	}
}

// The property: over many seeds and cluster sizes, every partition a
// plan draws keeps a quorum, counting the member a concurrent rolling
// upgrade has down; a cluster of 3 or 4 never gets one during its
// upgrade, and between upgrades it is cut one member at a time.
func TestClusterPlansKeepAQuorum(t *testing.T) {
	for n := 3; n <= 7; n++ {
		c := clusterConfig(n)
		count := map[When]int{}
		for seed := range uint64(400) {
			steps, final := Plan(rand.New(rand.NewPCG(seed, 11)), c)
			if final != "v3" {
				t.Fatalf("n=%d seed %d: the plan ends at %s", n, seed, final)
			}
			for _, p := range clusterFaults(t, steps, c.Members) {
				ctx := fmt.Sprintf("n=%d seed %d", n, seed)
				checkQuorum(t, c.Members, p, ctx)
				if !takesMembers(p.f) {
					continue
				}
				count[p.when]++
				if Unreachable(n, p.when) == 0 {
					t.Fatalf("%s: %s drawn where no member may be unreachable", ctx, p.f.Name())
				}
				if k := unreachable(c.Members, p.f); k > Unreachable(n, p.when) || (n <= 4 && k != 1) {
					t.Fatalf("%s: %s makes %d members unreachable", ctx, p.f.Name(), k)
				}
			}
		}
		if count[Between] == 0 {
			t.Errorf("n=%d: 400 seeds never cut a member between upgrades", n)
		}
		if (count[During] > 0) != (n >= 5) {
			t.Errorf("n=%d: %d cuts during the rolling upgrade, want some exactly when n >= 5", n, count[During])
		}
	}
}

// The same, rule by rule and at both places: each rule valid for a
// cluster of n keeps a quorum whatever it draws, and a rule that takes
// members is valid only where the budget is above 0.
func TestClusterRulesKeepAQuorum(t *testing.T) {
	for n := 1; n <= 7; n++ {
		c := clusterConfig(n)
		for _, f := range faults {
			if !f.fits(c) {
				continue
			}
			if f.valid(c) != (f.reach == spares || Unreachable(n, f.when) > 0) {
				t.Fatalf("n=%d: rule %q valid = %v with a budget of %d", n, f.name, f.valid(c), Unreachable(n, f.when))
			}
			if !f.valid(c) {
				continue
			}
			r := rand.New(rand.NewPCG(uint64(n), 5))
			sizes := map[int]bool{}
			for range 300 {
				it := f.draw(r, c)
				st, ok := f.build(c, &it).(fault.Step)
				if !ok {
					t.Fatalf("rule %q drew a step that is not a fault", f.name)
				}
				if l, ok := st.Fault.(*fault.LossFault); ok && len(l.Targets()) < 2 {
					t.Fatalf("n=%d: rule %q drew a loss to no peers: %s", n, f.name, l.Name())
				}
				if takesMembers(st.Fault) != (f.reach == takes) {
					t.Fatalf("rule %q is marked %v but drew %s", f.name, f.reach, st.Fault.Name())
				}
				checkQuorum(t, c.Members, placed{st.Fault, f.when}, fmt.Sprintf("n=%d rule %q", n, f.name))
				if f.reach == takes {
					sizes[unreachable(c.Members, st.Fault)] = true
				}
			}
			if strings.HasPrefix(f.name, "partition of a minority") && len(sizes) != Unreachable(n, f.when) {
				t.Errorf("n=%d: rule %q drew minorities of sizes %v, want each from 1 to %d", n, f.name, sizes, Unreachable(n, f.when))
			}
		}
	}
	if (rule{fits: cluster, reach: takes, when: During}).valid(clusterConfig(3)) {
		t.Fatal("a rule that takes members is valid during the rolling upgrade of 3")
	}
}

// By construction: the rules never read the member list, only draw from
// it through the budget (one, minority, member, rest), and never ask for
// a partition WithoutQuorum.
func TestRulesDrawMembersOnlyThroughTheBudget(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "rules.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var table ast.Node
	ast.Inspect(file, func(n ast.Node) bool {
		if v, ok := n.(*ast.ValueSpec); ok && len(v.Names) == 1 && v.Names[0].Name == "faults" {
			table = v
		}
		return table == nil
	})
	if table == nil {
		t.Fatal("rules.go declares no faults table")
	}
	ast.Inspect(table, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok {
			switch s.Sel.Name {
			case "members", "Members", "max":
				t.Errorf("a rule reads %s: draw members with b.one, b.minority or b.member instead", s.Sel.Name)
			case "WithoutQuorum":
				t.Error("a rule asks for a partition WithoutQuorum")
			}
		}
		return true
	})
}

// A rule that takes members cannot draw them as if it did not, nor the
// other way round.
func TestBudgetRefusesTheWrongDraw(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	b := budget{Cluster: "kv", members: members(3)}
	for name, draw := range map[string]func(){
		"one with no budget":      func() { b.one(r) },
		"minority with no budget": func() { b.minority(r) },
		"member for a rule that takes": func() {
			b := b
			b.reach, b.max = takes, 1
			b.member(r)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			draw()
		}()
	}
}

func TestClusterConfigMistakes(t *testing.T) {
	for name, c := range map[string]Config{
		"no members": {Cluster: "kv", Versions: []string{"v1", "v2"}},
		"standby":    {Cluster: "kv", Members: members(3), Standby: true, Versions: []string{"v1", "v2"}},
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
