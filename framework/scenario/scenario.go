package scenario

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	gtypes "github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega/types"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// Step is one line of the plan; see system.Step for what else a step may
// say about itself.
type Step = system.Step

// A step may also say that it expects an outage (an upgrade by
// kill-and-restart does), and whether it is a fault rather than a step.
type (
	expecter interface{ ExpectsOutage() bool }
	kinded   interface{ Kind() string }
	// parent is a step made of other steps; the plan prints them as its
	// children and the runner records each child as its own event. They
	// run concurrently (Concurrently) unless the step says Sequential
	// (a rolling upgrade).
	parent     interface{ Children() []Step }
	sequential interface{ Sequential() bool }
)

// S is what a scenario's body declares. The body runs inside the spec,
// after the seed is known, and must only declare: nothing starts until the
// body returns.
type S struct {
	name     string
	seed     int64
	rng      *rand.Rand
	labels   []string
	svcs     []*Service
	programs []system.ServiceSpec // your own servers (Program), in order
	clients  []clientDecl
	steps    []Step
	expects  []types.GomegaMatcher

	warmup, settle time.Duration
	budget         time.Duration
	tolerance      time.Duration
}

// Service is an overlord-managed driver in the topology.
type Service struct {
	Name    string
	Version string
	spec    system.OverlordSpec
}

type clientDecl struct {
	spec   system.ClientSpec
	target *Service
}

// Overlord declares the seed's arrangement: a driver at version under an
// overlord that restarts and upgrades it, behind a toxiproxy proxy named
// name.
func (s *S) Overlord(name, version string, opts ...ServiceOption) *Service {
	svc := &Service{Name: name, Version: version, spec: system.OverlordSpec{Name: name, Version: version}}
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
	svc.spec.Standby, svc.spec.SecondaryVersion = true, secondary
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
	return func(s *Service) { s.spec.Args = append(s.spec.Args, args...) }
}

// Clients declares n probe clients that send to target through its
// proxies, on an open-loop schedule.
func (s *S) Clients(n int, target *Service, opts ...ClientOption) {
	d := clientDecl{spec: system.ClientSpec{Count: n}, target: target}
	for _, o := range opts {
		o(&d.spec)
	}
	if d.spec.Prefix == "" && len(s.clients) > 0 {
		d.spec.Prefix = fmt.Sprintf("g%d-c", len(s.clients)+1)
	}
	s.clients = append(s.clients, d)
}

// ClientOption adjusts a group of clients.
type ClientOption func(*system.ClientSpec)

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

// Step appends steps to the plan, to run one after another.
func (s *S) Step(steps ...Step) { s.steps = append(s.steps, steps...) }

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

// Warmup sets how long clients run before the first step (default 1 s),
// Settle how long they run after the last (default 1 s).
func (s *S) Warmup(d time.Duration) { s.warmup = d }

// Settle sets how long clients run after the last step (default 1 s).
func (s *S) Settle(d time.Duration) { s.settle = d }

// Seed is the scenario's seed: the run's seed, so that a replay with the
// same seed gives the same plan.
func (s *S) Seed() int64 { return s.seed }

// Rand is a random source determined by the seed and the scenario's name.
func (s *S) Rand() *rand.Rand { return s.rng }

// Name is the scenario's name.
func (s *S) Name() string { return s.name }

// It declares a scenario as one Ginkgo spec. args are Ginkgo decorators
// (Label, SpecTimeout, ...) and exactly one func(*S), the body.
func It(name string, args ...any) bool {
	var body func(*S)
	var deco []any
	var labels []string
	hasTimeout := false
	for _, a := range args {
		switch v := a.(type) {
		case func(*S):
			body = v
		case ginkgo.Labels:
			labels = append(labels, v...)
			deco = append(deco, v)
		case ginkgo.SpecTimeout:
			hasTimeout = true
			deco = append(deco, v)
		default:
			deco = append(deco, v)
		}
	}
	if body == nil {
		panic(fmt.Sprintf("scenario %q has no body: pass a func(*scenario.S)", name))
	}
	if !selected(name) {
		return false
	}
	if !hasTimeout {
		deco = append(deco, ginkgo.SpecTimeout(10*time.Minute))
	}
	register(name)
	// The spec's location, and every failure's, is the caller's line: the
	// user's scenario file, not this package.
	loc := gtypes.NewCodeLocation(1)
	where := fmt.Sprintf("%s:%d", loc.FileName, loc.LineNumber)
	deco = append(deco, ginkgo.Offset(1), func(ctx ginkgo.SpecContext) { run(ctx, name, where, labels, body) })
	return ginkgo.It(name, deco...)
}

// declare runs the body and fills in the defaults.
func declare(name string, labels []string, seed int64, body func(*S)) *S {
	h := fnv.New64a()
	h.Write([]byte(name))
	s := &S{
		name: name, seed: seed, labels: labels,
		rng:    rand.New(rand.NewPCG(uint64(seed), h.Sum64())),
		warmup: time.Second, settle: time.Second,
		budget: DefaultLatencyBudget,
	}
	body(s)
	return s
}

// Slug turns a scenario name into a directory name.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}

func stepKind(st Step) string {
	if k, ok := st.(kinded); ok {
		return k.Kind()
	}
	return timeline.KindStep
}

// targets is what a step acts on, when it says (see system.Step); nil
// means it may act on anything.
func targets(st Step) []string {
	if t, ok := st.(interface{ Targets() []string }); ok {
		return t.Targets()
	}
	return nil
}

func expects(st Step) bool {
	e, ok := st.(expecter)
	return ok && e.ExpectsOutage()
}
