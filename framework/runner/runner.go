package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hatest/hatest/framework/analysis"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/plan"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// ProgressPrefix starts the progress lines a scenario prints while it
// runs; hatest run redraws them in place on a terminal.
const ProgressPrefix = "hatest: progress | "

// Runner runs one plan on one runtime. Its methods are called in order:
// Start, Steps, Collect; KeepArtifacts at any time after Start. Whatever
// happens, Collect still gathers what was recorded.
type Runner struct {
	p   *plan.Plan
	rt  runtime.Runtime
	sys *system.System
	out io.Writer // the lines a person follows: each step as it starts

	// begun is when the scenario began, before the runtime started
	// anything; topologyReady when its nodes and proxies were ready;
	// start is time zero: the topology and the clients started.
	begun, topologyReady, start time.Time
	// paths is what each client depends on, and service the service it
	// sends to, by client name: attribution and integrity read them.
	paths   map[string][]string
	service map[string]string
	// sysEvents are the overlords' own event logs, by service name.
	sysEvents map[string][]system.OverlordEvent
	step      atomic.Value // the step running now, for progress lines
}

// New prepares p to run on rt. begun is when the scenario began (before
// rt was made); detail receives the system's own lines (Ginkgo's writer),
// out the lines a person follows (each step as it starts).
func New(p *plan.Plan, rt runtime.Runtime, begun time.Time, detail, out io.Writer) *Runner {
	if out == nil {
		out = io.Discard
	}
	return &Runner{
		p: p, rt: rt, sys: system.New(rt, detail), out: out,
		begun: begun, start: time.Now(),
		paths: map[string][]string{}, service: map[string]string{},
		sysEvents: map[string][]system.OverlordEvent{},
	}
}

// System is the running system: for a scenario's own steps and for tests.
func (r *Runner) System() *system.System { return r.sys }

// Start starts the topology: the overlords, the programs, the clusters,
// then the clients. Time zero is when it returns.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.refuse(); err != nil {
		return fmt.Errorf("start the topology: %w", err)
	}
	if err := r.probe(ctx); err != nil {
		return fmt.Errorf("start the topology: %w", err)
	}
	// Docker's toxiproxy starts beside the first nodes, not after them.
	// An error is the first Proxy's to report; Start waits for it, so
	// nothing of it outlives a Start that fails.
	if ps, ok := r.rt.(runtime.ProxyStarter); ok && len(r.p.Services)+len(r.p.Programs)+len(r.p.Clusters) > 0 {
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = ps.StartProxies(ctx)
		}()
		defer func() { <-done }()
	}
	for _, svc := range r.p.Services {
		if _, err := r.sys.StartOverlord(ctx, svc.Spec); err != nil {
			return fmt.Errorf("start the topology: %w", err)
		}
	}
	for _, spec := range r.p.Programs {
		if _, err := r.sys.StartService(ctx, spec); err != nil {
			return fmt.Errorf("start the topology: %w", err)
		}
	}
	for _, c := range r.p.Clusters {
		if _, err := r.sys.StartCluster(ctx, c.Spec()); err != nil {
			return fmt.Errorf("start the topology: %w", err)
		}
	}
	if err := r.ready(ctx); err != nil {
		return fmt.Errorf("start the topology: %w", err)
	}
	r.topologyReady = time.Now()
	for _, g := range r.p.Clients {
		spec := g.Spec
		addrs, err := r.clientAddrs(g.Target)
		if err != nil {
			return fmt.Errorf("start the topology: %w", err)
		}
		spec.Addrs = addrs
		cs, err := r.sys.StartClients(ctx, spec)
		for _, c := range cs {
			if c != nil {
				r.paths[c.Name] = r.pathOf(g.Target)
				r.service[c.Name] = g.Target.Name
				if g.Target.Cluster != "" {
					// Every client of a cluster reads and writes the
					// same data, whichever members it may use.
					r.service[c.Name] = g.Target.Cluster
				}
			}
		}
		if err != nil {
			return fmt.Errorf("start the topology: %w", err)
		}
	}
	r.start = time.Now()
	return nil
}

// groupName is a name a group's clients can carry: "e1-only" makes
// e1-only-1, a node name on both runtimes.
var groupName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// refuse says what in the declaration cannot run, before anything starts:
// two client groups of one name (their clients would share names, and be
// judged as one), an option a cluster cannot take, a fault that names
// what the topology does not have or that this runtime cannot do.
func (r *Runner) refuse() error {
	named := map[string]bool{}
	for _, g := range r.p.Clients {
		if n := g.Spec.Group; n != "" {
			if !groupName.MatchString(n) {
				return fmt.Errorf("client group %q: name it with letters, digits, '_', '.' and '-' (its clients are %s-1, %s-2, ...)", n, n, n)
			}
			if named[n] {
				return fmt.Errorf("two client groups are named %q: give each group its own name", n)
			}
			named[n] = true
		}
	}
	for _, c := range r.p.Clusters {
		if err := c.Err(); err != nil {
			return err
		}
	}
	// Every fault's own check first: bad input is bad on every runtime.
	faults, topo := r.faults(), r.topology()
	for _, f := range faults {
		if c, ok := f.(fault.Checked); ok {
			if err := c.Check(topo); err != nil {
				return err
			}
		}
	}
	for _, f := range faults {
		if err := fault.NeedsNetwork(f, r.rt); err != nil {
			return fmt.Errorf("%w (run with --runtime docker)", err)
		}
	}
	return nil
}

// faults is every fault the plan holds, in plan order, those in groups
// included.
func (r *Runner) faults() []fault.Fault {
	var out []fault.Fault
	var walk func(ns []*plan.Node)
	walk = func(ns []*plan.Node) {
		for _, n := range ns {
			switch st := n.Step.(type) {
			case fault.Step:
				out = append(out, st.Fault)
			case *fault.Step:
				if st != nil {
					out = append(out, st.Fault)
				}
			}
			walk(n.Children)
		}
	}
	walk(r.p.Nodes)
	return out
}

// topology is what the faults check themselves against: the clusters'
// members, the nodes faults below the proxy may act on, the links.
func (r *Runner) topology() fault.Topology {
	t := fault.Topology{Clusters: map[string][]string{}}
	for _, svc := range r.p.Services {
		t.Nodes = append(t.Nodes, svc.Name)
		t.Links = append(t.Links, svc.Spec.Links()...)
	}
	for _, pr := range r.p.Programs {
		t.Nodes = append(t.Nodes, pr.Name)
		t.Links = append(t.Links, pr.Name)
	}
	for _, c := range r.p.Clusters {
		t.Clusters[c.Name] = c.Names()
		t.Nodes = append(t.Nodes, c.Names()...)
		t.Links = append(t.Links, c.Names()...)
	}
	return t
}

// probe asks the runtime whether this machine can do the faults of the
// plan that need the kernel's sch_netem (a delay, a reordering, a
// duplication), once a kind, before anything starts: a machine that
// cannot fails the start in one line that names what is missing.
func (r *Runner) probe(ctx context.Context) error {
	nf, ok := r.rt.(runtime.NetFaulter)
	if !ok {
		return nil // refuse refused every fault that needs it
	}
	asked := map[runtime.NetKind]bool{}
	for _, f := range r.faults() {
		b, ok := f.(fault.Below)
		if !ok {
			continue
		}
		for _, k := range b.NetKinds() {
			if !k.Netem() || asked[k] {
				continue
			}
			asked[k] = true
			if err := nf.NetProbe(ctx, k); err != nil {
				return fmt.Errorf("%s: %w", f.Name(), err)
			}
		}
	}
	return nil
}

// ready has the runtime, once the topology runs, make every node (and
// toxiproxy) ready for the plan's faults below the proxy, if it has any,
// so that no fault waits for a sidecar to start.
func (r *Runner) ready(ctx context.Context) error {
	nf, ok := r.rt.(runtime.NetFaulter)
	if !ok || !slices.ContainsFunc(r.faults(), func(f fault.Fault) bool { _, ok := f.(fault.Below); return ok }) {
		return nil
	}
	nodes := []string{runtime.ProxyHost}
	for _, n := range r.sys.Nodes() {
		nodes = append(nodes, n.Name())
	}
	return nf.NetReady(ctx, nodes...)
}

// clientAddrs is where clients of target send: through its proxies, or
// those of each of its members.
func (r *Runner) clientAddrs(target *plan.Service) ([]string, error) {
	var out []string
	for _, name := range names(target) {
		v := r.sys.Service(name)
		if v == nil {
			return nil, fmt.Errorf("clients send to %q, which is not a service of this scenario", name)
		}
		out = append(out, v.Addrs()...)
	}
	return out, nil
}

// pathOf is what a client of target depends on: each of its services'
// paths (a standby pair's secondary proxy and replication link, a
// cluster member's peers), once. Steps and faults name the same parts in
// their Targets.
func (r *Runner) pathOf(target *plan.Service) []string {
	var path []string
	for _, name := range names(target) {
		if v := r.sys.Service(name); v != nil {
			for _, p := range v.Path() {
				if !slices.Contains(path, p) {
					path = append(path, p)
				}
			}
		}
	}
	return path
}

// names is the services a client target stands for: itself, or its
// members.
func names(target *plan.Service) []string {
	if len(target.Members) > 0 {
		return plan.Names(target.Members)
	}
	return []string{target.Name}
}

// Steps runs the plan's nodes in order (the warm-up, the declared steps,
// the settle), each leaf recorded on the timeline under its plan ID.
func (r *Runner) Steps(ctx context.Context) error {
	for _, n := range r.p.Nodes {
		if err := r.run(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// run runs one node: a group's children (one after another or all at
// once), or a leaf step as one timeline event.
func (r *Runner) run(ctx context.Context, n *plan.Node) error {
	if len(n.Children) > 0 {
		if n.Meta.Sequential {
			for _, ch := range n.Children {
				if err := r.run(ctx, ch); err != nil {
					return err
				}
			}
			return nil
		}
		kids := make([]step.Step, len(n.Children))
		for i, ch := range n.Children {
			kids[i] = ch.Step
		}
		return step.All(kids, func(i int, _ step.Step) error { return r.run(ctx, n.Children[i]) })
	}
	r.step.Store(n.Num + " " + n.Desc)
	end := r.sys.Events.BeginEvent(timeline.Event{
		ID: n.ID, Kind: step.KindOf(n.Step), Desc: n.Desc,
		ExpectOutage: n.Meta.ExpectsOutage, Idle: n.Meta.Idle, Targets: n.Meta.Targets,
	})
	fmt.Fprintf(r.out, "hatest: %s: %s %s\n", r.p.Name, n.Num, n.Desc)
	err := n.Step.Run(ctx, r.sys)
	if res, ok := n.Step.(step.Resolved); ok {
		if on := res.RanOn(); on != nil {
			r.sys.Events.Retarget(n.ID, on)
		}
	}
	end()
	if err != nil {
		return fmt.Errorf("step %s %q failed: %w", n.Num, n.Desc, err)
	}
	return nil
}

// Progress prints a progress line to w every interval until the returned
// function is called: the step, the elapsed time, the ops so far, and the
// clients that are down now and for how long.
func (r *Runner) Progress(w io.Writer, every time.Duration) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			var ok, bad int64
			var down []string
			now := time.Now().UnixNano()
			for _, c := range r.sys.Clients() {
				o, f := c.Log.Counts()
				ok, bad = ok+o, bad+f
				if since := c.Log.DownSince(); since != 0 {
					down = append(down, fmt.Sprintf("%s %.0fms", c.Name, float64(now-since)/1e6))
				}
			}
			st, _ := r.step.Load().(string)
			line := fmt.Sprintf("%s | %s | %.1fs | ops %d ok, %d failed", r.p.Name, st, time.Since(r.start).Seconds(), ok, bad)
			if len(down) > 0 {
				line += " | down now: " + strings.Join(down, ", ")
			}
			fmt.Fprintln(w, ProgressPrefix+line)
		}
	}()
	return func() { close(done); <-finished }
}

// Collect stops the clients (each reads back its writes and reports its
// totals), gathers the overlords' own events, and returns everything the
// run recorded. It is safe to call after a failed Start or Steps; the error
// says what could not be collected, and the record holds the rest.
func (r *Runner) Collect(ctx context.Context) (analysis.Recorded, error) {
	end := time.Now()
	var err error
	r.step.Store("stop the clients; they read back their writes")
	err = r.sys.StopClients(ctx, 15*time.Second)
	// The run is over: what exits from here on is the teardown's.
	r.sys.StopWatching()
	for _, o := range r.overlords() {
		evs, oerr := o.Events(ctx)
		if oerr != nil {
			err = errors.Join(err, oerr)
			continue
		}
		r.sysEvents[o.Spec.Name] = evs
		for _, e := range o.TimelineEvents(evs) {
			r.sys.Events.Add(e)
		}
	}
	rec := analysis.Recorded{
		Name: r.p.Name, Labels: r.p.Labels, Plan: r.p.Lines(), Seed: r.p.Seed,
		Start: r.start, End: end, Begun: r.begun, TopologyReady: r.topologyReady,
		LatencyBudget: r.p.LatencyBudget, Tolerance: r.p.Tolerance,
		Events: r.sys.Events.Events(), Lifecycle: r.lifecycle(),
	}
	for _, c := range r.sys.Clients() {
		rec.Clients = append(rec.Clients, analysis.ClientRecord{
			Name: c.Name, Version: c.Version, Service: r.service[c.Name], Path: r.paths[c.Name], Group: c.Group, Interval: c.Interval,
			Log: c.Log, BadLines: c.Log.Errors(),
		})
	}
	return rec, err
}

// lifecycle is the nodes' version and role changes: the overlords' events,
// then each program's versions, each from the moment it was ready.
func (r *Runner) lifecycle() []analysis.Lifecycle {
	var out []analysis.Lifecycle
	for _, o := range r.overlords() {
		for _, e := range r.sysEvents[o.Spec.Name] {
			role := e.Role
			if role == "" {
				role = e.Node
			}
			out = append(out, analysis.Lifecycle{Node: o.Spec.Name + "/" + e.Node, Kind: e.Kind, Version: e.Version, Role: role, Time: e.Time})
		}
	}
	for _, name := range r.own() {
		if v := r.sys.Program(name); v != nil {
			for _, sp := range v.History() {
				out = append(out, analysis.Lifecycle{Node: name, Kind: analysis.KindReady, Version: sp.Version, Time: sp.Since})
			}
		}
	}
	return out
}

// own is the names of the programs and cluster members: the services
// hatest replaces itself.
func (r *Runner) own() []string {
	var out []string
	for _, p := range r.p.Programs {
		out = append(out, p.Name)
	}
	for _, c := range r.p.Clusters {
		out = append(out, c.Names()...)
	}
	return out
}

func (r *Runner) overlords() []*system.Overlord {
	var out []*system.Overlord
	for _, svc := range r.p.Services {
		if o := r.sys.Overlord(svc.Name); o != nil {
			out = append(out, o)
		}
	}
	return out
}

// KeepArtifacts writes every client's op log and stderr, and every
// node's log (overlords and programs, even one that never became ready),
// into dir/logs, and returns what it wrote. The op logs are what hatest
// analyze reads again.
func (r *Runner) KeepArtifacts(dir string) []result.Artifact {
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return nil
	}
	var out []result.Artifact
	save := func(name string, data []byte) {
		rel := filepath.Join("logs", name)
		if os.WriteFile(filepath.Join(dir, rel), data, 0o644) == nil {
			out = append(out, result.Artifact{Name: name, Path: rel})
		}
	}
	for _, c := range r.sys.Clients() {
		save(c.Name+analysis.OpLogSuffix, c.Raw.Bytes())
		save(c.Name+".stderr.log", []byte(c.Stderr.String()))
	}
	nodes := map[string]bool{}
	for _, o := range r.overlords() {
		nodes[o.Node.Name()] = true
	}
	for _, name := range r.own() {
		nodes[name] = true
	}
	for _, n := range r.sys.Nodes() {
		if nodes[n.Name()] {
			if b, err := io.ReadAll(n.Logs()); err == nil {
				save(n.Name()+".log", b)
			}
		}
	}
	return out
}
