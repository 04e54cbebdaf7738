package plan

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/onsi/gomega/types"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// Plan is a declared scenario with every step numbered, once: the numbers
// and IDs the printed plan shows are the ones the runner records on the
// timeline and the handles resolve to.
type Plan struct {
	Name     string
	Seed     int64
	Labels   []string
	Services []*Service           // overlord services, in order
	Programs []system.ServiceSpec // your own servers, in order
	Clusters []*Cluster           // your own clusters, in order
	Clients  []ClientGroup
	// Nodes are the plan's steps in order, from 2 ("1. start the
	// topology" is not a step): the warm-up, the declared steps, the
	// settle.
	Nodes         []*Node
	Expects       []types.GomegaMatcher
	LatencyBudget time.Duration
	Tolerance     time.Duration
	Warmup        time.Duration
	Settle        time.Duration
	// Data is the plan as data, when the scenario drew it with the
	// planner (planner.For): the plan file hatest plan --json writes and
	// results.json carries (plan_data); nil for a plan written by hand.
	Data []byte
}

// Node is one numbered step of a plan.
type Node struct {
	Num  string // its number in the plan: "4", "4.2"
	ID   string // its event ID on the timeline: kind-num, "step-4.2", "fault-4.1"
	Desc string
	Meta step.Meta
	Step step.Step // the step itself, unwrapped from its handle
	// Children are the numbered children of a group step.
	Children []*Node
}

// leaves calls fn for n when it has no children, else for each leaf under
// it: the steps that become events.
func (n *Node) leaves(fn func(*Node)) {
	if len(n.Children) == 0 {
		fn(n)
		return
	}
	for _, c := range n.Children {
		c.leaves(fn)
	}
}

// Build numbers what s declared. Handles given to s.Step or Track resolve
// to their nodes from here on.
func Build(s *S) *Plan {
	p := &Plan{
		Name: s.name, Seed: s.seed, Labels: s.labels,
		Services: s.svcs, Programs: s.programs, Clusters: s.clusters, Clients: s.clients,
		Expects: s.expects, LatencyBudget: s.budget, Tolerance: s.tolerance,
		Warmup: s.warmup, Settle: s.settle,
	}
	top := []step.Step{step.WaitAs(fmt.Sprintf("warm up for %s", s.warmup), s.warmup)}
	for _, h := range s.steps {
		top = append(top, h)
	}
	top = append(top, step.WaitAs(fmt.Sprintf("settle for %s", s.settle), s.settle))
	for i, st := range top {
		p.Nodes = append(p.Nodes, node(fmt.Sprint(i+2), st))
	}
	if s.data != nil {
		p.Data = s.data()
	}
	return p
}

// node numbers st as num, and its children under it.
func node(num string, st step.Step) *Node {
	var h *Handle
	if t, ok := st.(*Handle); ok && t.step != nil {
		h, st = t, t.step
	}
	m := st.Meta()
	n := &Node{Num: num, ID: step.KindOf(st) + "-" + num, Desc: st.Description(), Meta: m, Step: st}
	for j, ch := range m.Children {
		n.Children = append(n.Children, node(fmt.Sprintf("%s.%d", num, j+1), ch))
	}
	if h != nil {
		h.node = n
	}
	return n
}

// DefaultInterval is the clients' schedule when a scenario does not set
// one.
const DefaultInterval = 5 * time.Millisecond

// Lines is the numbered plan tree, one line each, as it is printed before
// the run, by `hatest plan`, and in the report.
func (p *Plan) Lines() []string {
	lines := []string{fmt.Sprintf("%s (seed %d)", p.Name, p.Seed)}
	lines = append(lines, "1. start the topology")
	sub := 0
	for _, svc := range p.Services {
		sub++
		if svc.Spec.Standby {
			lines = append(lines, fmt.Sprintf("   1.%d standby pair %q: primary driver %s, secondary driver %s, under one overlord; proxies %q and %q, replication over %q",
				sub, svc.Name, svc.Version, svc.Spec.SecondaryVersion, svc.Name, svc.Name+"-secondary", system.ReplicationLink(svc.Name)))
		} else {
			lines = append(lines, fmt.Sprintf("   1.%d overlord %q running driver %s, behind proxy %q", sub, svc.Name, svc.Version, svc.Name))
		}
	}
	for _, pr := range p.Programs {
		sub++
		line := fmt.Sprintf("   1.%d program %q running %s %s, behind proxy %q to port %s",
			sub, pr.Name, or(pr.Software.Name, "its software"), pr.Version, pr.Name, pr.Port)
		if pr.HostPort != 0 {
			line += fmt.Sprintf(" (pinned to 127.0.0.1:%d)", pr.HostPort)
		}
		lines = append(lines, line)
	}
	for _, c := range p.Clusters {
		sub++
		sp := c.spec
		lines = append(lines, fmt.Sprintf("   1.%d cluster %q of %d members (%s) running %s %s, started at once, each behind its own proxy to port %s",
			sub, c.Name, len(sp.Members), strings.Join(sp.Members, ", "), or(sp.Software.Name, "its software"), sp.Version, sp.Port))
		if sp.Ready != nil {
			lines[len(lines)-1] += "; ready when " + sp.Ready.String()
		}
	}
	for _, c := range p.Clients {
		sub++
		sp := c.Spec
		v, every, mode := or(sp.Version, "v1"), sp.Interval, "recovering"
		if every == 0 {
			every = DefaultInterval
		}
		if sp.Naive {
			mode = "naive"
		}
		named, target := "", c.Target.Name
		if sp.Group != "" {
			named = fmt.Sprintf(" %q", sp.Group)
		}
		if len(c.Target.Members) > 0 {
			target += " (any of " + strings.Join(Names(c.Target.Members), ", ") + ")"
		}
		lines = append(lines, fmt.Sprintf("   1.%d %d %s clients%s (%s) -> %s, one op every %s",
			sub, sp.Count, mode, named, v, target, every))
	}
	var children func(indent string, n *Node)
	children = func(indent string, n *Node) {
		for _, ch := range n.Children {
			lines = append(lines, fmt.Sprintf("%s%s %s", indent, ch.Num, ch.line()))
			children(indent+"   ", ch)
		}
	}
	for _, n := range p.Nodes {
		lines = append(lines, fmt.Sprintf("%s. %s", n.Num, n.line()))
		children("   ", n)
	}
	last := len(p.Nodes) + 2
	lines = append(lines, fmt.Sprintf("%d. stop the clients; each reads back the writes it saw acknowledged", last))
	lines = append(lines, fmt.Sprintf("%d. check", last+1))
	for j, m := range p.Expects {
		lines = append(lines, fmt.Sprintf("   %d.%d %s", last+1, j+1, matcherName(m)))
	}
	return lines
}

// line is the node's text in the plan: its kind when it is a fault, and
// whether it expects an outage.
func (n *Node) line() string {
	line := n.Desc
	if k := n.Meta.Kind; k != "" && k != "step" {
		line = "[" + k + "] " + line
	}
	if n.Meta.ExpectsOutage {
		line += "  (expects an outage)"
	}
	return line
}

func matcherName(m any) string {
	if s, ok := m.(fmt.Stringer); ok {
		return s.String()
	}
	t := reflect.TypeOf(m)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return strings.TrimSuffix(t.Name(), "Matcher")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
