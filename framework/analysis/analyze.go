package analysis

import (
	"iter"
	"slices"
	"sort"
	"time"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/timeline"
)

// ClassOf is the class an op's windows are computed in: its op class
// ("read", "write") for ops on the client's long-lived connection, and
// "new" for ops that dial a fresh connection, whatever they do. A reused
// connection can ride out an outage that new connections see, or the other
// way round (a client that never reconnects), so the two are measured
// apart. New-connection ops are one in ten by default, so the "new" class
// is sampled every 50 ms and its windows are accurate to that.
func ClassOf(op timeline.Op) string {
	if op.Conn == "new" {
		return "new"
	}
	return op.Class
}

// latencyBuckets is how many slices the latency plot has.
const latencyBuckets = 200

// Recorded is everything one scenario run recorded: the input of
// Analyze.
type Recorded struct {
	Name, Runtime, Replay string
	Labels, Plan          []string
	Seed                  int64
	Start, End            time.Time
	LatencyBudget         time.Duration
	Tolerance             time.Duration
	Events                []timeline.Event
	Clients               []ClientRecord
	// Lifecycle is what the system said about its nodes' versions and
	// roles (an overlord's "restarted", a program ready at a version): the
	// version lane is drawn from it.
	Lifecycle []Lifecycle
	// Begun is when the scenario began, before the runtime started
	// anything; TopologyReady when its runtime, nodes and proxies were
	// ready, before the clients started. Either is zero when unknown
	// (TopologyReady: the topology never started).
	Begun, TopologyReady time.Time
	// Location is where the scenario is declared (file:line).
	Location string
	// Failures are what failed that no measurement can change (a step,
	// the setup, the collection of the op logs, an interrupt); SetupError
	// says why the topology could not start, and Interrupted that the run
	// was stopped. Analyze leaves them to the verdict.
	Failures    []string
	SetupError  string
	Interrupted bool
}

// Lifecycle is one moment in a node's life that may change the version or
// role it runs: an overlord's event ("started", "restarted",
// "upgrade-done", "promoted", "demoted", "rolled-back") or, for a program
// of your own, KindReady when it became ready at a version.
type Lifecycle struct {
	Node    string // "driver/primary", "kv"
	Kind    string
	Version string
	Role    string // empty when the node has none
	Time    int64  // Unix ns
}

// KindReady is the Lifecycle kind of a program ready at a version.
const KindReady = "ready"

// ClientRecord is one client's op log.
type ClientRecord struct {
	Name, Version string
	// Service is the service the client sends to, and Path every part of
	// the topology it depends on (see timeline.Config.Paths). A nil Path
	// means it depends on everything.
	Service  string
	Path     []string
	Group    string         // the client group the scenario named, or ""
	Interval time.Duration  // its schedule; zero when unknown
	Records  []probe.Record // every line: ops, read-back, summary
	BadLines []error        // lines that could not be parsed
	// Log, when set, holds the lines in place of Records: a run's op log
	// as the runner read it, walked where it lies rather than copied into
	// a slice of a million Records first.
	Log *probe.Log
}

// Lines are the client's records, from Log or Records, and how many.
func (c ClientRecord) Lines() (iter.Seq[probe.Record], int) {
	if c.Log != nil {
		return c.Log.All(), c.Log.Len()
	}
	return slices.Values(c.Records), len(c.Records)
}

// Analyze turns what a run recorded into the scenario's result data. It is
// pure: windows, statistics, latency buckets, failovers, integrity, the
// read-back rounds, the figures per client group, the members' restarts
// and the start-up overhead all come from its input.
func Analyze(in Recorded) result.Scenario {
	t0 := in.Start.UnixNano()
	ms := func(t int64) float64 { return float64(t-t0) / 1e6 }
	res := result.Scenario{
		Scenario: in.Name, Slug: result.Slug(in.Name), Labels: nonNil(in.Labels),
		Runtime: in.Runtime, Seed: in.Seed, StartedAt: in.Start,
		DurationMS: float64(in.End.Sub(in.Start).Nanoseconds()) / 1e6,
		Plan:       nonNil(in.Plan),
		Replay:     in.Replay, Location: in.Location,
		SetupError: in.SetupError, Interrupted: in.Interrupted,
		Steps: []result.Step{}, Windows: []result.Window{}, Clients: []result.Client{},
		Versions: []result.Version{}, Latency: []result.Bucket{}, Failovers: []result.Failover{},
		Groups: []result.GroupFigures{}, Restarts: []result.MemberRestart{},
		Assertions: []result.Assertion{}, Artifacts: []result.Artifact{},
	}
	// Time zero is when the topology was ready and the clients began.
	// What happened during start-up (the overlord starting its first
	// driver) keeps its negative time; the report draws it before zero.
	res.Versions = append(res.Versions, versions(in.Lifecycle, ms, in.End)...)
	tcfg := timeline.Config{LatencyBudget: in.LatencyBudget, Tolerance: in.Tolerance, ClassOf: ClassOf, Paths: map[string][]string{}}
	for _, c := range in.Clients {
		if c.Path != nil {
			tcfg.Paths[c.Name] = c.Path
		}
	}
	events := append([]timeline.Event(nil), in.Events...)
	sort.SliceStable(events, func(i, j int) bool { return events[i].Start < events[j].Start })
	for _, e := range events {
		res.Steps = append(res.Steps, result.Step{ID: e.ID, Desc: e.Desc, Kind: e.Kind, StartMS: ms(e.Start), EndMS: ms(e.End), ExpectOutage: e.ExpectOutage, Unexpected: e.Unexpected})
	}
	// The integrity check and the read-back rounds read writes,
	// read-backs, round lines and summaries only; a
	// run of a million ops should copy neither every read nor, by growing
	// a slice, every write several times.
	keep := func(rec probe.Record) bool { return rec.Type != "" && rec.Type != probe.TypeOp || rec.Class != "read" }
	total, kept := 0, 0
	for _, c := range in.Clients {
		recs, n := c.Lines()
		total += n
		for rec := range recs {
			if keep(rec) {
				kept++
			}
		}
	}
	var (
		intervals = map[string]time.Duration{}
		ops       = make([]timeline.Op, 0, total)
		records   = make([]probe.Record, 0, kept)
		span      = make([][2]int, len(in.Clients)) // each client's part of records
		names     []string
	)
	for ci, c := range in.Clients {
		names = append(names, c.Name)
		first := len(ops)
		span[ci][0] = len(records)
		recs, _ := c.Lines()
		var summary probe.Record // the client's last, if any
		hasSummary := false
		for rec := range recs {
			if rec.IsOp() {
				ops = append(ops, rec.Op())
			}
			if keep(rec) {
				records = append(records, rec)
			}
			if rec.Type == probe.TypeSummary {
				summary, hasSummary = rec, true // a copy: rec itself stays on the stack
			}
		}
		span[ci][1] = len(records)
		cops := ops[first:]
		rc := result.Client{Name: c.Name, Version: c.Version, Ops: int64(len(cops)), Reported: -1, BadLines: []string{}, Path: nonNil(c.Path), Group: c.Group}
		for _, err := range c.BadLines {
			rc.BadLines = append(rc.BadLines, err.Error())
		}
		interval, skipped := c.Interval, int64(0)
		if sum := summary; hasSummary {
			rc.Reported, skipped = sum.Sent, sum.Skipped
			if sum.Interval > 0 {
				interval = time.Duration(sum.Interval) // the client's own word
			}
		}
		intervals[c.Name] = interval
		sc := timeline.Schedule(measuredSpan(cops, t0, in.End.UnixNano()), interval, 0)
		rc.Schedule = result.Schedule{
			Known: sc.Known, IntervalMS: msd(sc.Interval), NominalRate: sc.NominalRate, AchievedRate: sc.AchievedRate,
			LagP50MS: msd(sc.LagP50), LagP99MS: msd(sc.LagP99), LagMaxMS: msd(sc.LagMax), Skipped: skipped,
		}
		var last timeline.Op
		for _, op := range cops {
			if bad, _ := timeline.Failed(op, tcfg); bad {
				rc.Failed++
			} else if op.End > last.End {
				last = op
			}
		}
		rc.LastVersion = last.Version
		if last.End != 0 {
			rc.LastOKMS = ms(last.End)
		}
		res.Clients = append(res.Clients, rc)
	}
	res.Startup = startup(in.Begun, in.TopologyReady, ops)
	windows := timeline.Outages(ops, events, tcfg)
	timeline.MarkProbeLag(windows, ops, intervals)
	for _, w := range windows {
		res.Windows = append(res.Windows, result.Window{
			Client: w.Client, Class: w.Class, StartMS: ms(w.Start), EndMS: ms(w.End),
			DurationMS: float64(w.End-w.Start) / 1e6, Open: w.Open, Failed: w.Failed,
			Reasons: nonNil(w.Reasons), Causes: nonNil(w.Causes), Expected: w.Expected,
			ProbeLag: w.ProbeLag, Tail: w.Tail,
		})
	}
	st := timeline.Summarize(ops, windows, tcfg)
	res.Summary = result.Summary{
		Ops: st.Ops, FailedOps: st.Failed, ErrorRate: st.ErrorRate,
		MaxWindowMS: msd(st.MaxWindow), TotalWindowMS: msd(st.TotalWindow), Windows: st.Windows,
		TotalOutageMS: check.TotalOutageMS(res.Windows),
		P50WindowMS:   msd(st.P50Window), P99WindowMS: msd(st.P99Window),
		P50LatencyMS: msd(st.P50Latency), P99LatencyMS: msd(st.P99Latency), MaxLatencyMS: msd(st.MaxLatency),
		Clients:   len(names),
		AnyDownMS: msd(timeline.Total(timeline.AnyDown(windows))),
		AllDownMS: msd(timeline.Total(timeline.AllDown(windows, names))),
	}
	for _, b := range timeline.Buckets(ops, t0, in.End.UnixNano(), latencyBuckets) {
		res.Latency = append(res.Latency, result.Bucket{
			StartMS: ms(b.Start), EndMS: ms(b.End), Ops: b.Ops, Failed: b.Failed,
			P50MS: msd(b.P50), P99MS: msd(b.P99),
		})
	}
	for _, f := range timeline.Failovers(events, windows) {
		res.Failovers = append(res.Failovers, result.Failover{
			Cause: f.Cause, DetectMS: msd(f.Detect), RestartMS: msd(f.Restart), RecoverMS: msd(f.Recover), TotalMS: msd(f.Total),
		})
	}
	service := map[string]string{}
	for _, c := range in.Clients {
		service[c.Name] = c.Service
	}
	res.Integrity = check.Integrity(records, t0, func(client string) string { return service[client] })
	res.ReadBack = check.ReadBack(records, t0, events)
	groups := clientGroups(in.Clients)
	res.Groups = append(res.Groups, groupFigures(groups, &res, windows, records, span)...)
	tol := in.Tolerance
	switch {
	case tol == 0:
		tol = timeline.DefaultTolerance
	case tol < 0:
		tol = 0
	}
	res.Restarts = append(res.Restarts, restarts(events, in.Lifecycle, windows, groups, in.Clients, tol, ms)...)
	return res
}

// measuredSpan is the ops due (or, without a schedule, started) from time
// zero to the end of the run: the span the schedule is judged over. Before
// zero the clients are still starting one another's containers; after the
// end they are being stopped, and the ticks a client skips as it stops
// fall there too. Windows are computed over every op all the same.
func measuredSpan(ops []timeline.Op, from, to int64) []timeline.Op {
	out := make([]timeline.Op, 0, len(ops))
	for _, op := range ops {
		at := op.Sched
		if at == 0 {
			at = op.Start
		}
		if at >= from && at <= to {
			out = append(out, op)
		}
	}
	return out
}

// versions draws the version lane from the nodes' lifecycle: a span
// starts whenever a node (re)starts at another version or changes role.
func versions(life []Lifecycle, ms func(int64) float64, end time.Time) []result.Version {
	out := []result.Version{}
	open := map[string]int{} // node -> index in out
	for _, e := range life {
		if !versionKind(e.Kind) {
			continue
		}
		roleChange := e.Kind == "promoted" || e.Kind == "demoted"
		if i, ok := open[e.Node]; ok {
			if out[i].Version == e.Version && !roleChange {
				continue
			}
			out[i].EndMS = ms(e.Time)
		}
		out = append(out, result.Version{Node: e.Node, Version: e.Version, Role: e.Role, StartMS: ms(e.Time), EndMS: ms(end.UnixNano())})
		open[e.Node] = len(out) - 1
	}
	return out
}

// startup is the start-up overhead: from begun to the start of the first
// op, split at ready. A span with an end not reached (a zero time, no op)
// is unknown, -1 ms.
func startup(begun, ready time.Time, ops []timeline.Op) result.Startup {
	var first int64
	for _, op := range ops {
		if first == 0 || op.Start < first {
			first = op.Start
		}
	}
	at := func(t time.Time) int64 {
		if t.IsZero() {
			return 0
		}
		return t.UnixNano()
	}
	span := func(from, to int64) float64 {
		if from == 0 || to == 0 {
			return msd(timeline.Unknown)
		}
		return float64(to-from) / 1e6
	}
	b, r := at(begun), at(ready)
	return result.Startup{TotalMS: span(b, first), TopologyMS: span(b, r), ClientsMS: span(r, first)}
}

func msd(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
