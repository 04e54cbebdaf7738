package upgrade

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// Rolling upgrades replicas or cluster members one at a time, pausing
// between them, so that at every moment all but one serve. A service
// under an overlord is upgraded through its overlord (ViaOverlord); a
// program or cluster member of your own is replaced (Replace), and gated
// by its readiness check. The timeline shows the mixed-version state as
// it happens.
//
//	s.Step(upgrade.Rolling(nats.Names(), "v2.14.10", "v2.15.3").
//		OrderBy(upgrade.LeaderLast(leader)).PauseFor(2*time.Second))
func Rolling(replicas []string, from, to string) RollingStep {
	return RollingStep{Replicas: append([]string(nil), replicas...), From: from, To: to, Pause: time.Second}
}

// RollingStep is the rolling upgrade step.
type RollingStep struct {
	Replicas []string
	From, To string
	Pause    time.Duration // between members
	// AbortAt, when above 0, aborts after that fraction of the replicas
	// (rounded up) is upgraded and rolls those back to From in reverse
	// order, as an operator would on a bad canary.
	AbortAt float64
	// How replaces members of your own: see system.Replacement.
	How system.Replacement
	// Gate, if set, runs after each member is back and must pass before
	// the rollout goes on: a health gate beyond the member's readiness.
	Gate *Check
	// Order, if set, picks the order as the step runs; see OrderBy.
	Order *Order
	verb  string // "upgrade" unless As says otherwise
}

// As names what the rollout does, in the plan and on the timeline:
// "downgrade" makes it a rolling downgrade of downgrades.
func (u RollingStep) As(verb string) RollingStep { u.verb = verb; return u }

// Order is a hook that orders the members when the rollout begins: it
// gets them in their declared order and returns the same names in the
// order to upgrade them.
type Order struct {
	Desc string // "leader last"
	Fn   func(ctx context.Context, sys *system.System, members []string) ([]string, error)
}

// answer is one rollout's answer of its Order, asked once, when the
// first member's turn comes: each rollout (each Children call) has its
// own, so an Order can serve several rollouts and repeated runs.
type answer struct {
	once sync.Once
	got  []string
	err  error
}

// LeaderLast is the order that upgrades the leader last, so that the
// cluster elects a new leader once, at the end, rather than at every
// step. leader asks the running cluster which member leads (by name).
func LeaderLast(leader func(ctx context.Context, sys *system.System) (string, error)) *Order {
	return &Order{Desc: "leader last", Fn: func(ctx context.Context, sys *system.System, members []string) ([]string, error) {
		l, err := leader(ctx, sys)
		if err != nil {
			return nil, fmt.Errorf("ask for the leader: %w", err)
		}
		if !slices.Contains(members, l) {
			return nil, fmt.Errorf("the leader %q is not one of %s", l, strings.Join(members, ", "))
		}
		out := slices.DeleteFunc(slices.Clone(members), func(m string) bool { return m == l })
		return append(out, l), nil
	}}
}

// resolve asks o once for this rollout and checks that it returned
// every member exactly once.
func (a *answer) resolve(ctx context.Context, sys *system.System, o *Order, members []string) ([]string, error) {
	a.once.Do(func() {
		got, err := o.Fn(ctx, sys, slices.Clone(members))
		if err == nil && (len(got) != len(members) || !sameSet(got, members)) {
			err = fmt.Errorf("order %s returned %v: want each of %s once", o.Desc, got, strings.Join(members, ", "))
		}
		a.got, a.err = got, err
	})
	if a.err != nil {
		return nil, fmt.Errorf("order %s: %w", o.Desc, a.err)
	}
	return a.got, nil
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// Shuffled returns the step with its replicas in an order drawn from r
// (the scenario's seeded source), so the same seed gives the same order.
func (u RollingStep) Shuffled(r *rand.Rand) RollingStep {
	u.Replicas = slices.Clone(u.Replicas)
	r.Shuffle(len(u.Replicas), func(i, j int) { u.Replicas[i], u.Replicas[j] = u.Replicas[j], u.Replicas[i] })
	return u
}

// OrderBy makes the rollout ask o for the order when it begins.
func (u RollingStep) OrderBy(o *Order) RollingStep { u.Order = o; return u }

// PauseFor sets the pause between members (default 1 s).
func (u RollingStep) PauseFor(d time.Duration) RollingStep { u.Pause = d; return u }

// Drain replaces members of your own with their own graceful drain: see
// ReplaceStep.Drain.
func (u RollingStep) Drain(sig syscall.Signal, grace time.Duration) RollingStep {
	u.How = system.Replacement{Drain: true, Signal: sig, Grace: grace}
	return u
}

// GateBy runs c after each member is back; the rollout stops with an
// error when it fails.
func (u RollingStep) GateBy(c Check) RollingStep { u.Gate = &c; return u }

// Abort returns the step set to abort after fraction of the replicas.
func (u RollingStep) Abort(fraction float64) RollingStep { u.AbortAt = fraction; return u }

// Description is the step's line in the plan.
func (u RollingStep) Description() string {
	order := strings.Join(u.Replicas, ", ")
	if u.Order != nil {
		order += " (" + u.Order.Desc + ")"
	}
	verb := u.verb
	if verb == "" {
		verb = "upgrade"
	}
	s := fmt.Sprintf("rolling %s %s -> %s of %s, %s apart", verb, u.From, u.To, order, u.Pause)
	if u.How != (system.Replacement{}) {
		s += "; members of your own stopped by " + u.How.String()
	}
	if u.Gate != nil {
		s += "; gate: " + u.Gate.Desc
	}
	if u.AbortAt > 0 {
		s += fmt.Sprintf("; abort after %d of %d and roll them back", u.abortAfter(), len(u.Replicas))
	}
	return s
}

func (u RollingStep) abortAfter() int {
	return int(math.Ceil(u.AbortAt * float64(len(u.Replicas))))
}

// Meta: a sequential group that expects an outage on each replica. Its
// Targets are the replicas, for a runner that records the step as one
// event; the scenario runner records each child, with its own replica.
func (u RollingStep) Meta() step.Meta {
	return step.Meta{
		ExpectsOutage: true, Targets: append([]string(nil), u.Replicas...),
		Children: u.Children(), Sequential: true,
	}
}

// Children are the per-member upgrades (and roll-backs), so the plan and
// the timeline show each one.
func (u RollingStep) Children() []step.Step {
	n := len(u.Replicas)
	if u.AbortAt > 0 {
		n = u.abortAfter()
	}
	var out []step.Step
	ans := &answer{} // this rollout's own
	for i := range n {
		if i > 0 {
			out = append(out, step.Wait(u.Pause))
		}
		out = append(out, u.one(ans, i, u.From, u.To, u.verb))
	}
	if u.AbortAt > 0 {
		for i := n - 1; i >= 0; i-- {
			out = append(out, step.Wait(u.Pause), u.one(ans, i, u.To, u.From, "roll back"))
		}
	}
	return out
}

func (u RollingStep) one(ans *answer, i int, from, to, verb string) member {
	return member{i: i, all: u.Replicas, order: u.Order, ans: ans, from: from, to: to, verb: verb, how: u.How, gate: u.Gate}
}

// member upgrades the i-th member of the rollout: the i-th of all, or of
// the order's answer.
type member struct {
	i        int
	all      []string
	order    *Order
	ans      *answer // the order's answer for this rollout
	from, to string
	verb     string
	how      system.Replacement
	gate     *Check
}

func (m member) Description() string {
	verb := m.verb
	if verb == "" {
		verb = "upgrade"
	}
	who := m.all[m.i]
	if m.order != nil {
		who = fmt.Sprintf("member %d of %d in the order %s", m.i+1, len(m.all), m.order.Desc)
	}
	return fmt.Sprintf("%s %s %s -> %s", verb, who, m.from, m.to)
}

// Meta: the member it upgrades, or every member until the order is
// known (RanOn says which one it was).
func (m member) Meta() step.Meta {
	if m.order != nil {
		return step.Meta{ExpectsOutage: true, Targets: slices.Clone(m.all)}
	}
	return step.Meta{ExpectsOutage: true, Targets: []string{m.all[m.i]}}
}

// RanOn is the member the order picked, once it ran.
func (m member) RanOn() []string {
	if m.order == nil || m.ans.got == nil {
		return nil
	}
	return []string{m.ans.got[m.i]}
}

func (m member) name(ctx context.Context, sys *system.System) (string, error) {
	if m.order == nil {
		return m.all[m.i], nil
	}
	got, err := m.ans.resolve(ctx, sys, m.order, m.all)
	if err != nil {
		return "", err
	}
	return got[m.i], nil
}

// Run upgrades the member through its overlord, or by replacing its node,
// then runs the gate.
func (m member) Run(ctx context.Context, sys *system.System) error {
	name, err := m.name(ctx, sys)
	if err != nil {
		return err
	}
	switch {
	case sys.Overlord(name) != nil:
		o := ViaOverlord(name, m.from, m.to)
		o.verb = m.verb
		err = o.Run(ctx, sys)
	case sys.Program(name) != nil:
		r := Replace(name, m.from, m.to)
		r.How, r.verb = m.how, m.verb
		err = r.Run(ctx, sys)
	case sys.Service(name) != nil:
		var evs []timeline.Event
		evs, err = sys.Service(name).Upgrade(ctx, m.to, m.how)
		for _, e := range evs {
			sys.Events.Add(e)
		}
	default:
		err = fmt.Errorf("upgrade %s: no service or member of that name in the topology", name)
	}
	if err != nil || m.gate == nil {
		return err
	}
	if err := m.gate.Run(ctx, sys); err != nil {
		return fmt.Errorf("gate after %s (%s): %w", name, m.gate.Desc, err)
	}
	return nil
}

// Run runs the children in order (the scenario runner records each one
// itself; this is for use outside it).
func (u RollingStep) Run(ctx context.Context, sys *system.System) error {
	return step.Sequence(u.Children()...).Run(ctx, sys)
}
