package planner

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// When says where a fault may be inserted.
type When int

const (
	// Between upgrades: the service is at rest and may take any fault
	// the topology survives.
	Between When = iota
	// During an upgrade step, concurrently with it. Only faults that do
	// not touch the process being replaced are valid there: killing or
	// stopping the driver the overlord is starting would make the
	// upgrade fail for a reason that is not the release's fault. In a
	// cluster, one member is down at any moment of a rolling upgrade, so
	// a fault there may make one member fewer unreachable.
	During
)

// reach is what a fault does to a cluster's members.
type reach int

const (
	// spares: every member stays reachable (loss of a few packets, a rate
	// limit, or a fault that is not on a cluster at all). It needs no
	// budget.
	spares reach = iota
	// takes: the fault makes members unreachable, to their peers (a
	// partition) or to their clients. It is valid only where the budget
	// allows at least one, and it draws those members through the
	// budget.
	takes
)

// rule is one kind of fault the planner may insert.
type rule struct {
	name string
	when When
	// fits reports whether the fault fits the topology.
	fits  func(c Config) bool
	reach reach
	// make builds the step, with its parameters and the members it acts
	// on drawn through b: from r when the plan is drawn (b records them
	// on the plan's item), from the item when a plan is given as data (r
	// is nil then).
	make func(r *rand.Rand, b budget) step.Step
}

// valid reports whether the rule may be drawn for c: it fits the
// topology, and if it takes members there is a budget for at least one.
func (f rule) valid(c Config) bool {
	return f.fits(c) && (f.reach == spares || Unreachable(len(c.Members), f.when) > 0)
}

// draw draws the rule's fault for c: its item in the plan's data, with
// the parameters and members r gave it.
func (f rule) draw(r *rand.Rand, c Config) Item {
	it := Item{Kind: KindFault, Rule: f.name, Params: map[string]int64{}}
	f.make(r, f.budget(c, &it, false))
	return it
}

// build is the step of it, a fault of this rule, from its parameters.
// A parameter it lacks, or members the budget does not allow, panic in
// one line (planErr), which Data.steps turns into an error.
func (f rule) build(c Config, it *Item) step.Step {
	return f.make(nil, f.budget(c, it, true))
}

func (f rule) budget(c Config, it *Item, replay bool) budget {
	b := budget{Service: c.Service, Cluster: c.Cluster, members: c.Members, reach: f.reach, when: f.when, item: it, replay: replay}
	if f.reach == takes {
		b.max = Unreachable(len(c.Members), f.when)
	}
	return b
}

// ruleNamed is the rule of the table called name.
func ruleNamed(name string) (rule, bool) {
	for _, f := range faults {
		if f.name == name {
			return f, true
		}
	}
	return rule{}, false
}

// Unreachable is how many members of a cluster of n may be unreachable
// because of a fault inserted at w, with a quorum kept: a majority must
// reach each other. At rest (Between) that is floor((n-1)/2); during a
// rolling upgrade (During) one member is down at any moment, so one
// fewer. 0 means no fault that takes members may go there: a cluster of
// 3 takes a partition at rest, never during its upgrade.
func Unreachable(n int, w When) int {
	if n < 1 {
		return 0
	}
	k := (n - 1) / 2
	if w == During {
		k--
	}
	return max(k, 0)
}

// budget is what a rule gets to build its fault with: the names it may
// use, and the cluster's members only through the draws below, each of
// which keeps to the budget. No rule reads the member list itself
// (TestRulesDrawMembersOnlyThroughTheBudget), so no rule can build a set
// of members that breaks the quorum.
type budget struct {
	Service string // the overlord service or standby pair
	Cluster string // the cluster, in cluster mode
	members []string
	max     int   // how many members may be unreachable, for a rule that takes
	reach   reach // the rule's
	when    When  // the rule's
	// item is the fault's item in the plan's data: a draw records its
	// parameters and members there; a replay (a plan given as data)
	// takes them from it.
	item   *Item
	replay bool
}

// planErr is a panic of a replay: the item lacks what its rule needs.
// Data.steps recovers it as an error.
type planErr string

// ms draws how long something of the fault lasts, between lo and hi ms,
// and names it in the item's parameters ("hold_ms").
func (b budget) ms(r *rand.Rand, name string, lo, hi int) time.Duration {
	return time.Duration(b.num(r, name, lo, hi)) * time.Millisecond
}

// num draws a whole number between lo and hi, named in the item's
// parameters ("loss_pct").
func (b budget) num(r *rand.Rand, name string, lo, hi int) int64 {
	if b.replay {
		v, ok := b.item.Params[name]
		if !ok {
			panic(planErr(fmt.Sprintf("fault %q has no %s", b.item.Rule, name)))
		}
		if v < 0 {
			panic(planErr(fmt.Sprintf("fault %q has %s %d, below 0", b.item.Rule, name, v)))
		}
		return v
	}
	v := int64(lo + r.IntN(hi-lo+1))
	b.item.Params[name] = v
	return v
}

// rate draws a member's egress limit: 128 KiB/s to 1 MiB/s, slow enough
// to be felt, fast enough that the member keeps up with its peers.
func (b budget) rate(r *rand.Rand) int64 {
	if b.replay {
		return b.num(nil, "rate_bytes", 0, 0)
	}
	v := int64(128 << 10 << r.IntN(4))
	b.item.Params["rate_bytes"] = v
	return v
}

// drawn records the members a fault acts on, or replays them: k of them
// when k > 0, else between 1 and the budget's max.
func (b budget) drawn(r *rand.Rand, k int) []string {
	if !b.replay {
		var out []string
		if k > 0 {
			out = b.some(r, k)
		} else {
			out = b.some(r, 1+r.IntN(b.max))
		}
		b.item.Members = out
		return out
	}
	got := b.item.Members
	if k > 0 && len(got) != k || k == 0 && (len(got) < 1 || len(got) > b.max) {
		want := fmt.Sprint(k)
		if k == 0 {
			want = fmt.Sprintf("1 to %d", b.max)
		}
		panic(planErr(fmt.Sprintf("fault %q acts on %d members %v; its rule takes %s here", b.item.Rule, len(got), got, want)))
	}
	for i, m := range got {
		if !slices.Contains(b.members, m) || slices.Contains(got[:i], m) {
			panic(planErr(fmt.Sprintf("fault %q names %q, which is not a member of %s or is named twice", b.item.Rule, m, b.Cluster)))
		}
	}
	return got
}

// hold draws how long a cut that takes members holds: up to 2 s at rest,
// 1.5 s during a rolling upgrade.
func (b budget) hold(r *rand.Rand) time.Duration {
	if b.when == During {
		return b.ms(r, "hold_ms", 500, 1500)
	}
	return b.ms(r, "hold_ms", 500, 2000)
}

// minority draws between 1 and the budget's members, in declared order:
// the side of a partition to cut from the rest.
func (b budget) minority(r *rand.Rand) []string {
	if b.reach != takes || b.max < 1 {
		panic(fmt.Sprintf("planner: a rule drew members to make unreachable with a budget of %d (is it marked takes?)", b.max))
	}
	return b.drawn(r, 0)
}

// one draws one member to make unreachable (isolate it, cut its
// clients): a minority of one.
func (b budget) one(r *rand.Rand) string {
	if b.reach != takes || b.max < 1 {
		panic(fmt.Sprintf("planner: a rule drew a member to make unreachable with a budget of %d (is it marked takes?)", b.max))
	}
	return b.drawn(r, 1)[0]
}

// member draws one member for a fault that spares the quorum (loss, a
// rate limit): a rule that takes members draws them with one or
// minority.
func (b budget) member(r *rand.Rand) string {
	if b.reach != spares {
		panic("planner: a rule that takes members drew one with member: draw it with one or minority")
	}
	return b.drawn(r, 1)[0]
}

// rest is the members not in of, in declared order: the other side.
func (b budget) rest(of ...string) []string {
	return slices.DeleteFunc(slices.Clone(b.members), func(m string) bool { return slices.Contains(of, m) })
}

// some draws k distinct members, in declared order.
func (b budget) some(r *rand.Rand, k int) []string {
	idx := r.Perm(len(b.members))[:k]
	slices.Sort(idx)
	out := make([]string, k)
	for i, j := range idx {
		out[i] = b.members[j]
	}
	return out
}

func service(c Config) bool { return c.Cluster == "" }
func standby(c Config) bool { return c.Standby }
func cluster(c Config) bool { return c.Cluster != "" }

// peered: a cluster whose members have peers to lose packets to (a
// loss to no peers would be a loss to every address).
func peered(c Config) bool { return cluster(c) && len(c.Members) > 1 }
func ms(r *rand.Rand, lo, hi int) time.Duration {
	return time.Duration(lo+r.IntN(hi-lo+1)) * time.Millisecond
}

// faults is the one place the planner's rules are declared.
var faults = []rule{
	{"latency on the client link", During, service, spares, func(r *rand.Rand, b budget) step.Step {
		return fault.For(fault.Latency(b.Service, b.ms(r, "latency_ms", 20, 80), b.ms(r, "jitter_ms", 0, 20)), b.ms(r, "hold_ms", 1500, 3000))
	}},
	{"slicer on the client link", During, service, spares, func(r *rand.Rand, b budget) step.Step {
		return fault.For(fault.Slicer(b.Service, 64, 32, b.ms(r, "delay_ms", 0, 2)), b.ms(r, "hold_ms", 1000, 2000))
	}},
	{"partition of the client link", Between, service, spares, func(r *rand.Rand, b budget) step.Step {
		return fault.For(fault.Down(b.Service), b.ms(r, "hold_ms", 100, 500)).Expected()
	}},
	{"SIGKILL of the primary driver (the overlord restarts it)", Between, service, spares, func(r *rand.Rand, b budget) step.Step {
		return fault.For(fault.Kill(fault.Driver(b.Service)), b.ms(r, "hold_ms", 300, 800)).Expected()
	}},
	{"SIGSTOP of the secondary driver", Between, standby, spares, func(r *rand.Rand, b budget) step.Step {
		return fault.For(fault.Stop(fault.Driver(b.Service, "secondary")), b.ms(r, "hold_ms", 200, 600))
	}},
	{"latency on the secondary's client link", During, standby, spares, func(r *rand.Rand, b budget) step.Step {
		return fault.For(fault.Latency(b.Service+"-secondary", b.ms(r, "latency_ms", 20, 80), 0), b.ms(r, "hold_ms", 1000, 2000))
	}},
	{"latency on the replication link", During, standby, spares, func(r *rand.Rand, b budget) step.Step {
		return fault.For(fault.Latency(system.ReplicationLink(b.Service), b.ms(r, "latency_ms", 20, 80), b.ms(r, "jitter_ms", 0, 20)).Downstream(), b.ms(r, "hold_ms", 1000, 2000))
	}},
	// Clients do not see a replication partition at rest; during a
	// switchover it holds up the catch-up, so that outage is expected.
	{"partition of the replication link", Between, standby, spares, func(r *rand.Rand, b budget) step.Step {
		return fault.For(fault.Down(system.ReplicationLink(b.Service)), b.ms(r, "hold_ms", 200, 800))
	}},
	{"partition of the replication link during the switchover", During, standby, spares, func(r *rand.Rand, b budget) step.Step {
		return fault.For(fault.Down(system.ReplicationLink(b.Service)), b.ms(r, "hold_ms", 200, 600)).Expected()
	}},

	// A cluster's faults are below the proxy, between its members. Those
	// that take members draw them through the budget, so the rest keep a
	// quorum even with the member a rolling upgrade has down; none asks
	// for a partition WithoutQuorum. The outage of a member cut off is
	// expected (its own clients lose it); a few lost packets or a rate
	// limit must not cause one.
	{"isolation of one member", Between, cluster, takes, isolateOne},
	{"isolation of one member during the rolling upgrade", During, cluster, takes, isolateOne},
	{"partition of a minority from the rest", Between, cluster, takes, partitionMinority},
	{"partition of a minority during the rolling upgrade", During, cluster, takes, partitionMinority},
	{"one member cut from its clients", Between, cluster, takes, cutOneFromClients},
	{"one member cut from its clients during the rolling upgrade", During, cluster, takes, cutOneFromClients},
	{"loss from one member to the rest", Between, peered, spares, lossFromOne},
	{"loss from one member to the rest during the rolling upgrade", During, peered, spares, lossFromOne},
	{"rate limit of one member", Between, cluster, spares, rateLimitOne},
	{"rate limit of one member during the rolling upgrade", During, cluster, spares, rateLimitOne},
}

// The cluster rules' steps, the same at rest and during an upgrade but
// for how long a cut holds (b.hold).

func isolateOne(r *rand.Rand, b budget) step.Step {
	return fault.For(fault.Isolate(b.Cluster, b.one(r)), b.hold(r)).Expected()
}

func partitionMinority(r *rand.Rand, b budget) step.Step {
	m := b.minority(r)
	return fault.For(fault.Partition(m, b.rest(m...)), b.hold(r)).Expected()
}

func cutOneFromClients(r *rand.Rand, b budget) step.Step {
	return fault.For(fault.CutClients(b.Cluster, b.one(r)), b.hold(r)).Expected()
}

func lossFromOne(r *rand.Rand, b budget) step.Step {
	m := b.member(r)
	return fault.For(fault.Loss(m, float64(b.num(r, "loss_pct", 1, 10))).To(b.rest(m)...), b.ms(r, "hold_ms", 1000, 3000))
}

func rateLimitOne(r *rand.Rand, b budget) step.Step {
	return fault.For(fault.RateLimit(b.member(r), b.rate(r)), b.ms(r, "hold_ms", 1000, 3000))
}
