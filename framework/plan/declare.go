package plan

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/onsi/gomega/types"

	"github.com/hatest/hatest/fixtures/reference"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// S is what a scenario's body declares: the topology, the steps and the
// expectations. The body must only declare: nothing starts until Build
// has made the plan from it.
type S struct {
	name     string
	seed     int64
	rng      *rand.Rand
	labels   []string
	svcs     []*Service
	programs []system.ServiceSpec // your own servers (Program), in order
	clusters []*Cluster           // your own clusters, in order
	clients  []ClientGroup
	// clientDefaults are applied before each Clients call's own options.
	clientDefaults []ClientOption
	steps          []*Handle
	expects        []types.GomegaMatcher

	warmup, settle time.Duration
	budget         time.Duration
	tolerance      time.Duration

	// given is a plan given as data (hatest run --plan), for the body's
	// planner to use in place of the one the seed draws; taken says it
	// did. data is the plan data the body's planner recorded.
	given []byte
	taken bool
	data  func() []byte
}

// Declare runs body on a fresh S for the scenario called name, with the
// defaults filled in, and returns it.
func Declare(name string, labels []string, seed int64, body func(*S)) *S {
	return DeclareGiven(name, labels, seed, nil, body)
}

// DeclareGiven is Declare with a plan given as data (a plan file's
// bytes, from hatest run --plan) for the body's planner to use in place
// of the one the seed draws. A body that draws no plan as data cannot
// use it: DeclareGiven panics in one line.
func DeclareGiven(name string, labels []string, seed int64, given []byte, body func(*S)) *S {
	h := fnv.New64a()
	h.Write([]byte(name))
	s := &S{
		name: name, seed: seed, labels: labels,
		rng:    rand.New(rand.NewPCG(uint64(seed), h.Sum64())),
		warmup: time.Second, settle: time.Second,
		budget: DefaultLatencyBudget,
		given:  given,
	}
	body(s)
	if given != nil && !s.taken {
		panic(fmt.Sprintf("scenario %q draws no plan as data (planner.For), so a plan file has nothing to replace: give --plan only to scenarios whose plan hatest plan --json shows", name))
	}
	return s
}

// Service is an overlord-managed driver, or a program of your own, in the
// topology.
type Service struct {
	Name    string
	Version string
	Spec    system.OverlordSpec // zero for a program or a cluster member
	// Cluster is the cluster this member (or all of it) belongs to.
	Cluster string
	// Members, when set, make the target several services: a client of
	// it may use every one (Cluster.All).
	Members []*Service
}

// ClientGroup is one s.Clients declaration.
type ClientGroup struct {
	Spec   system.ClientSpec
	Target *Service
}

// Overlord declares the seed's arrangement: a driver at version under an
// overlord that restarts and upgrades it, behind a toxiproxy proxy named
// name.
func (s *S) Overlord(name, version string, opts ...ServiceOption) *Service {
	svc := &Service{Name: name, Version: version, Spec: system.OverlordSpec{Name: name, Version: version, Software: reference.OverlordSoftware()}}
	for _, o := range opts {
		o(svc)
	}
	s.svcs = append(s.svcs, svc)
	return svc
}

// Standby declares a primary at version and a secondary at secondary that
// replicates from it, under one overlord, each behind its own proxy (name
// and name+"-secondary").
func (s *S) Standby(name, version, secondary string, opts ...ServiceOption) *Service {
	svc := s.Overlord(name, version, opts...)
	svc.Spec.Standby, svc.Spec.SecondaryVersion = true, secondary
	return svc
}

// Replicas declares n independent replicas, each a driver at version under
// its own overlord and behind its own proxy, named name-1 .. name-n. They
// share no state: give each its own clients.
func (s *S) Replicas(name string, n int, version string, opts ...ServiceOption) []*Service {
	out := make([]*Service, n)
	for i := range n {
		out[i] = s.Overlord(fmt.Sprintf("%s-%d", name, i+1), version, opts...)
	}
	return out
}

// Names are the services' names, in order.
func Names(svcs []*Service) []string {
	out := make([]string, len(svcs))
	for i, s := range svcs {
		out[i] = s.Name
	}
	return out
}

// ServiceOption adjusts a declared service.
type ServiceOption func(*Service)

// OverlordFlags passes extra flags to the overlord ("-max-attempts", "2").
func OverlordFlags(args ...string) ServiceOption {
	return func(s *Service) { s.Spec.Args = append(s.Spec.Args, args...) }
}

// Clients declares n probe clients that send to target through its
// proxies, on an open-loop schedule.
func (s *S) Clients(n int, target *Service, opts ...ClientOption) {
	d := ClientGroup{Spec: system.ClientSpec{Count: n}, Target: target}
	for _, o := range s.clientDefaults {
		o(&d.Spec)
	}
	for _, o := range opts {
		o(&d.Spec)
	}
	if d.Spec.Software.Name == "" {
		d.Spec.Software = reference.ClientSoftware()
	}
	if d.Spec.Prefix == "" && d.Spec.Group != "" {
		d.Spec.Prefix = d.Spec.Group + "-"
	}
	if d.Spec.Prefix == "" && len(s.clients) > 0 {
		d.Spec.Prefix = fmt.Sprintf("g%d-c", len(s.clients)+1)
	}
	s.clients = append(s.clients, d)
}

// ClientDefaults sets options that every later Clients call applies
// before its own, such as a suite's schedule (scenario.RunSuite's client
// defaults come this way, before the body runs).
func (s *S) ClientDefaults(opts ...ClientOption) {
	s.clientDefaults = append(s.clientDefaults, opts...)
}

// ClientOption adjusts a group of clients.
type ClientOption func(*system.ClientSpec)

// Named names the client group: its clients are name-1 .. name-n, and
// reports, headline figures and check.ForGroup(name) take them together
// ("all", "e1-only").
func Named(name string) ClientOption { return func(c *system.ClientSpec) { c.Group = name } }

// Every sets the clients' schedule (default 5 ms, at least 1 ms).
func Every(d time.Duration) ClientOption { return func(c *system.ClientSpec) { c.Interval = d } }

// ClientVersion sets the client build ("v1", "v2", "v3").
func ClientVersion(v string) ClientOption { return func(c *system.ClientSpec) { c.Version = v } }

// ClientSoftware runs your own client program instead of the reference
// client; it must keep the client contract (docs/your-own-system.md).
func ClientSoftware(sw runtime.Software) ClientOption {
	return func(c *system.ClientSpec) { c.Software = sw }
}

// Naive makes the clients never reconnect once their connection breaks.
func Naive() ClientOption { return func(c *system.ClientSpec) { c.Naive = true } }

// OpTimeout sets the clients' per-operation deadline (default 500 ms).
func OpTimeout(d time.Duration) ClientOption { return func(c *system.ClientSpec) { c.Timeout = d } }

// ClientArgs passes extra flags to the clients, after the ones every
// client gets (-name, -addr, -interval, -timeout, -mode): for your own
// client's settings.
func ClientArgs(args ...string) ClientOption {
	return func(c *system.ClientSpec) { c.Args = append(c.Args, args...) }
}

// Step appends steps to the plan, to run one after another, and returns
// their handle: check.ForStep(handle) judges the windows they cause,
// wherever they end up in the numbered plan.
func (s *S) Step(steps ...step.Step) *Handle {
	hs := make([]*Handle, len(steps))
	for i, st := range steps {
		hs[i] = Track(st)
	}
	s.steps = append(s.steps, hs...)
	if len(hs) == 1 {
		return hs[0]
	}
	return &Handle{group: hs}
}

// Expect declares the scenario's verdicts: Gomega matchers from package
// check, evaluated on the finished run. Every one is evaluated and listed
// in the report, even after one fails.
func (s *S) Expect(ms ...types.GomegaMatcher) { s.expects = append(s.expects, ms...) }

// DefaultLatencyBudget is the latency beyond which an op counts as failed
// when a scenario does not set its own: slow enough that a user would call
// the service unusable, and well clear of the scheduling hiccups of a busy
// two-core CI machine, so that a gate does not flake.
const DefaultLatencyBudget = 250 * time.Millisecond

// LatencyBudget makes ops slower than d count as failed ("up but
// unusable"). The default is DefaultLatencyBudget.
func (s *S) LatencyBudget(d time.Duration) { s.budget = d }

// Warmup sets how long clients run before the first step (default 1 s).
func (s *S) Warmup(d time.Duration) { s.warmup = d }

// Settle sets how long clients run after the last step (default 1 s).
func (s *S) Settle(d time.Duration) { s.settle = d }

// Seed is the scenario's seed: the run's seed, so that a replay with the
// same seed gives the same plan.
func (s *S) Seed() int64 { return s.seed }

// Rand is a random source determined by the seed and the scenario's name.
func (s *S) Rand() *rand.Rand { return s.rng }

// GivenPlan is the plan given as data (a plan file's bytes), for the
// planner to use in place of the one the seed draws; nil when there is
// none. Asking for it takes it: a scenario takes at most one plan.
func (s *S) GivenPlan() []byte {
	if s.given != nil {
		s.taken = true
	}
	return s.given
}

// RecordPlan records the scenario's plan as data: encode is called once
// the plan is numbered (Build), so that the data can name each item's
// events, and its bytes go to results.json and hatest plan --json. A
// scenario records one plan: a second panics.
func (s *S) RecordPlan(encode func() []byte) {
	if s.data != nil {
		panic(fmt.Sprintf("scenario %q draws two plans as data; draw one, and step the other's steps yourself", s.name))
	}
	s.data = encode
}

// TrackStep is Track for a package that draws steps but may not import
// this one (package planner): the step, and the IDs of the events it
// becomes once the plan is numbered.
func (s *S) TrackStep(st step.Step) interface {
	step.Step
	StepIDs() []string
} {
	return Track(st)
}

// Name is the scenario's name.
func (s *S) Name() string { return s.name }
