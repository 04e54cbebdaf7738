package result

import (
	"encoding/json"
	"time"
)

// Schema is the version of the results.json and report.json format. Bump it
// on any change that is not a pure addition, and say so in
// docs/report-format.md.
const Schema = 1

// Run is results.json: every scenario of one run.
type Run struct {
	Schema    int        `json:"schema"`
	Runtime   string     `json:"runtime"`
	Seed      int64      `json:"seed"`
	StartedAt time.Time  `json:"started_at"`
	Commit    string     `json:"commit,omitempty"` // git commit of the project under test, when known
	Scenarios []Scenario `json:"scenarios"`
}

// Scenario is report.json: everything known about one scenario run. Times
// named *_ms are milliseconds from the scenario's start (StartedAt).
type Scenario struct {
	Scenario string   `json:"scenario"`
	Slug     string   `json:"slug"`
	Labels   []string `json:"labels"`
	Passed   bool     `json:"passed"`
	// Status is the verdict in one word: StatusPassed, StatusFailed or
	// StatusInvalid. Invalid means the measurement cannot be trusted (the
	// probe fell behind, an op log is incomplete): the numbers are not a
	// verdict on the system, and a gate must not pass on them. Passed is
	// true only for StatusPassed.
	Status  string `json:"status"`
	Invalid string `json:"invalid,omitempty"` // why the run is invalid, when it is
	Failure string `json:"failure,omitempty"` // the first failure message, when failed or invalid
	// Location is where the scenario is declared (file:line), for failure
	// messages that point at the user's code.
	Location string `json:"location,omitempty"`
	// Interrupted is set when the run was interrupted (a signal) while
	// the scenario ran: it did not pass, and its verdict is incomplete.
	// junit.xml gives it the status "interrupted".
	Interrupted bool `json:"interrupted,omitempty"`
	// SetupError is set when the scenario could not start its runtime or
	// topology (a missing image or binary, a node never ready, a busy
	// port): an environment error, not a verdict on the system under test.
	SetupError string `json:"setup_error,omitempty"`
	// Attempt is which attempt this result is, when the suite runs with
	// Ginkgo's --flake-attempts and an earlier attempt failed: a passing
	// scenario with Attempt 2 is flaky. Zero (omitted) for a first attempt;
	// EarlierFailure is then the failure of the attempt before.
	Attempt        int       `json:"attempt,omitempty"`
	EarlierFailure string    `json:"earlier_failure,omitempty"`
	Runtime        string    `json:"runtime"`
	Seed           int64     `json:"seed"`
	StartedAt      time.Time `json:"started_at"`
	DurationMS     float64   `json:"duration_ms"`
	Startup        Startup   `json:"startup"` // what the scenario cost before its first op
	Plan           []string  `json:"plan"`    // the numbered plan tree, one line each
	// PlanData is the plan as data, when the scenario drew it with the
	// planner (planner.For): a plan file, which hatest run --plan runs
	// again and hatest shrink shrinks. Absent for a plan written by hand.
	PlanData  json.RawMessage `json:"plan_data,omitempty"`
	Steps     []Step          `json:"steps"`
	Windows   []Window        `json:"windows"`
	Summary   Summary         `json:"summary"`
	Clients   []Client        `json:"clients"`
	Versions  []Version       `json:"versions"` // which node ran which version, when
	Latency   []Bucket        `json:"latency"`  // op latency over time, bucketed
	Failovers []Failover      `json:"failovers"`
	Integrity Integrity       `json:"integrity"`
	// Groups are the headline figures per client group, in the order of
	// each group's first client; empty when no client is in a named group
	// (the summary is then the one group's figures).
	Groups []GroupFigures `json:"groups"`
	// Restarts are the replacements of members (upgrade, downgrade,
	// restart) found on the timeline, in the order they began.
	Restarts []MemberRestart `json:"restarts"`
	// ReadBack is what the read-back rounds found: each client's
	// acknowledged writes read again, on a signal during the run and on
	// stop, through its own route and through each member. Absent when
	// the clients wrote no read-back line and said no value.
	ReadBack   ReadBack    `json:"readback,omitzero"`
	Assertions []Assertion `json:"assertions"`
	Artifacts  []Artifact  `json:"artifacts"`
	Replay     string      `json:"replay"` // the command that reruns exactly this scenario
}

// Startup is a scenario's start-up overhead: the wall-clock time from the
// scenario's beginning, before the runtime started anything, to the start of
// the first client operation recorded, split where the topology was ready.
// These are durations, not times on the timeline; -1 in a field means that
// point was never reached (the topology did not start, no op was recorded).
type Startup struct {
	TotalMS    float64 `json:"total_ms"`    // beginning to the first op: TopologyMS + ClientsMS
	TopologyMS float64 `json:"topology_ms"` // beginning to the runtime, nodes and proxies ready
	ClientsMS  float64 `json:"clients_ms"`  // topology ready to the first op: starting the clients
}

// Step is one event on the timeline: a plan step, a fault, or an event the
// system under test reported.
type Step struct {
	ID           string  `json:"id"`
	Desc         string  `json:"desc"`
	Kind         string  `json:"kind"` // "step", "fault", "system"
	StartMS      float64 `json:"start_ms"`
	EndMS        float64 `json:"end_ms"`
	ExpectOutage bool    `json:"expect_outage"`
	// Unexpected marks a program's exit that no step or fault asked for
	// (a member that crashed); Desc names the program, its exit code and
	// its last log lines. check.NoUnexpectedExit fails on it.
	Unexpected bool `json:"unexpected,omitempty"`
}

// Window is one client-visible outage window.
type Window struct {
	Client     string   `json:"client"`
	Class      string   `json:"class"`
	StartMS    float64  `json:"start_ms"`
	EndMS      float64  `json:"end_ms"`
	DurationMS float64  `json:"duration_ms"`
	Open       bool     `json:"open"`
	Failed     int      `json:"failed"`
	Reasons    []string `json:"reasons"`
	Causes     []string `json:"causes"`
	Expected   bool     `json:"expected"`
	ProbeLag   bool     `json:"probe_lag,omitempty"` // the client's own lag explains it; not the system's
	Tail       bool     `json:"tail,omitempty"`      // the recovery tail of a step on the client's path
}

// Summary holds the run's headline numbers.
type Summary struct {
	Ops           int64   `json:"ops"`
	FailedOps     int64   `json:"failed_ops"`
	ErrorRate     float64 `json:"error_rate"`
	MaxWindowMS   float64 `json:"max_window_ms"`
	TotalWindowMS float64 `json:"total_window_ms"` // the sum of every client's windows
	// TotalOutageMS is "total outage" as every verdict means it: the time
	// the worst client spent inside windows, overlaps counted once.
	TotalOutageMS float64 `json:"total_outage_ms"`
	Windows       int     `json:"windows"`
	P50WindowMS   float64 `json:"p50_window_ms"`
	P99WindowMS   float64 `json:"p99_window_ms"`
	P50LatencyMS  float64 `json:"p50_latency_ms"`
	P99LatencyMS  float64 `json:"p99_latency_ms"`
	MaxLatencyMS  float64 `json:"max_latency_ms"`
	Clients       int     `json:"clients"`
	// AnyDownMS and AllDownMS are the total time at least one client, and
	// every client, was inside an outage window.
	AnyDownMS float64 `json:"any_down_ms"`
	AllDownMS float64 `json:"all_down_ms"`
}

// Client is one client's own account next to what hatest recorded of it.
type Client struct {
	Name        string   `json:"name"`
	Version     string   `json:"version"`
	Ops         int64    `json:"ops"`
	Failed      int64    `json:"failed"`
	Reported    int64    `json:"reported"`  // ops the client says it sent; -1 if it never said
	BadLines    []string `json:"bad_lines"` // op-log lines that could not be parsed, with line numbers
	LastVersion string   `json:"last_version"`
	LastOKMS    float64  `json:"last_ok_ms"`
	// Path is what the client depends on: the services, nodes, proxies and
	// links a step or fault must touch to cause its windows.
	Path []string `json:"path"`
	// Group is the client group the scenario named it in ("all",
	// "e1-only"); figures and verdicts can be taken per group. Empty for
	// a group the scenario did not name.
	Group    string   `json:"group,omitempty"`
	Schedule Schedule `json:"schedule"`
}

// Schedule is how well a client kept its open-loop schedule. Lag is how
// late an op started against the time it was due (op line "sched"). A
// client that does not write "sched" has Known false and zeros.
type Schedule struct {
	Known        bool    `json:"known"`
	IntervalMS   float64 `json:"interval_ms"`
	NominalRate  float64 `json:"nominal_rate"`  // ops/s the schedule asks for
	AchievedRate float64 `json:"achieved_rate"` // ops/s it issued over the same span
	LagP50MS     float64 `json:"lag_p50_ms"`
	LagP99MS     float64 `json:"lag_p99_ms"`
	LagMaxMS     float64 `json:"lag_max_ms"`
	Skipped      int64   `json:"skipped"` // ticks it says it skipped
}

// Version is one span of time in which a node ran one version.
type Version struct {
	Node    string  `json:"node"`
	Version string  `json:"version"`
	Role    string  `json:"role,omitempty"`
	StartMS float64 `json:"start_ms"`
	EndMS   float64 `json:"end_ms"`
}

// Bucket is op latency over one slice of time.
type Bucket struct {
	StartMS float64 `json:"start_ms"`
	EndMS   float64 `json:"end_ms"`
	Ops     int     `json:"ops"`
	Failed  int     `json:"failed"`
	P50MS   float64 `json:"p50_ms"`
	P99MS   float64 `json:"p99_ms"`
}

// Failover splits one kill or upgrade outage into its phases.
type Failover struct {
	Cause     string  `json:"cause"`      // the step or fault ID
	DetectMS  float64 `json:"detect_ms"`  // fault to the system noticing it
	RestartMS float64 `json:"restart_ms"` // noticing to a driver ready again
	RecoverMS float64 `json:"recover_ms"` // ready to the first good client answer
	TotalMS   float64 `json:"total_ms"`
}

// Integrity is what the read-back after the run found.
type Integrity struct {
	AckedWrites   int         `json:"acked_writes"`
	ReadBack      int         `json:"read_back"`
	Lost          []LostWrite `json:"lost"`
	Indeterminate int         `json:"indeterminate"` // failed writes; may or may not have been applied
	// AppliedFailed counts the failed writes the read-back found anyway:
	// applied although the client saw an error. Not an error.
	AppliedFailed int `json:"applied_failed"`
	// Unchecked counts acknowledged writes the read-back never reported
	// on (a client whose read-back was cut short): not known to be lost.
	Unchecked  int      `json:"unchecked"`
	SplitBrain []string `json:"split_brain"` // one line per overlap of two primaries
	Checked    bool     `json:"checked"`     // false when no read-back was done
}

// LostWrite is an acknowledged write that was not found afterwards.
type LostWrite struct {
	Client string  `json:"client"`
	Key    string  `json:"key"`
	Seq    uint64  `json:"seq"`
	AckMS  float64 `json:"ack_ms"`
	Found  string  `json:"found"` // what was found instead ("missing", "seq 12")
	// Version is the version that acknowledged the write (its op line's
	// version); empty when the client did not say.
	Version string `json:"version,omitempty"`
}

// ReadBack is what the read-back rounds found (check.ReadBack). A client
// reads back every key it wrote so far on each SIGUSR1 (round N, from 1)
// and once more on stop (round 0): through its own route, and through each
// member it was given. The lists are bounded: counts, and a few examples.
type ReadBack struct {
	// Values counts the write and read-back lines that say a value (the
	// value written, or found): 0 when the clients do not report values.
	Values int `json:"values"`
	// Rounds are the rounds in the order they were taken: 1, 2, ..., then
	// 0, the read-back on stop.
	Rounds []Round `json:"rounds"`
}

// Round is one read-back round.
type Round struct {
	N int `json:"n"` // 0 for the read-back on stop
	// Label says when the round was taken: the description of the
	// timeline event "readback-N" without its "read-back round N: "
	// prefix ("after roll back to v1"); "on stop" for round 0; "" when the
	// timeline has no such event.
	Label string  `json:"label"`
	AtMS  float64 `json:"at_ms"` // the event's start; without one, the round's first read
	// Clients are the clients that took part in the round (wrote a line
	// of it), in run order; Problems what went wrong, at most five and
	// "and N more": a client whose round line says an error ("c2: <its
	// err>"), that wrote no round line ("c3: no round line: its round was
	// cut short"), or that had acknowledged writes and read nothing ("c4:
	// did not read back in this round", "c4: no read-back on stop").
	Clients  []string `json:"clients"`
	Problems []string `json:"problems"`
	// Tallies are what each way of reading found, in this order: the
	// clients' own routes (Way WayRoute), each member by address
	// (WayMember, sorted by Via), and the answers of members of different
	// versions to the same read, compared pair by pair (WayParity).
	Tallies []Tally `json:"tallies"`
}

// The ways of reading a Tally counts.
const (
	WayRoute  = "route"  // through each client's own route (readback lines with no via)
	WayMember = "member" // through one member (readback lines with that via)
	WayParity = "parity" // two members of different versions, compared
)

// Route is the round's tally of the clients' own routes (zero when it
// has none).
func (r Round) Route() Tally { return r.first(WayRoute) }

// Parity is the round's tally of the answers of members of different
// versions (zero when it has none).
func (r Round) Parity() Tally { return r.first(WayParity) }

// Members are the round's tallies of each member.
func (r Round) Members() []Tally {
	var out []Tally
	for _, t := range r.Tallies {
		if t.Way == WayMember {
			out = append(out, t)
		}
	}
	return out
}

func (r Round) first(way string) Tally {
	for _, t := range r.Tallies {
		if t.Way == way {
			return t
		}
	}
	return Tally{}
}

// Tally counts what one way of reading found in one round of the
// acknowledged writes (for WayParity: of the pairs of answers). An
// acknowledged write is the one of each client and key the server
// applied last, as Integrity picks it; it is checked in a read that began
// after it was acknowledged. A finding's age is how long before the read
// the key was last written: for a write, how long after its
// acknowledgement the read began; for a pair of answers, how long before
// the earlier read the last write of the key ended.
type Tally struct {
	Way string `json:"way"` // WayRoute, WayMember or WayParity
	Via string `json:"via"` // the member's address, as the clients were given it; "" for the others
	// Versions are the versions that answered the reads, sorted: for
	// WayParity those of the members, two or more when the members ran
	// different versions while the round was taken.
	Versions []string `json:"versions"`
	Keys     int      `json:"keys"` // writes checked (Parity: pairs of answers compared)
	// Unread counts the acknowledged writes not read this way although
	// they were acknowledged before the client's round began: no line, or
	// a line with an error. Never counted for Parity.
	Unread int `json:"unread"`
	// Unjudged counts the writes found whose value could not be
	// compared: a line did not say it, or another write of the key (one
	// that failed may have been applied, an incr) may have replaced it
	// and the seqs do not show it did not.
	Unjudged int `json:"unjudged"`
	// Wrong counts the writes read back missing, older or with another
	// value (Parity: the pairs whose answers disagree).
	Wrong int `json:"wrong"`
	// Young counts the wrong ones younger than check.AgeHorizon, and
	// YoungMS lists their ages, youngest first, at most check.MaxYoung:
	// what a rule with a lag needs to excuse the writes a member may not
	// have had yet.
	Young   int       `json:"young"`
	YoungMS []float64 `json:"young_ms"`
	// Examples are the first wrong ones (by when they were read) and the
	// oldest, at most six, in the order they were read.
	Examples []Finding `json:"examples"`
}

// Finding is one wrong read-back, or one disagreement of two members.
type Finding struct {
	Client string  `json:"client"`
	Key    string  `json:"key"`
	AgeMS  float64 `json:"age_ms"` // see Tally
	// The acknowledged write the read was checked against: its value
	// (absent when not said), seq, the version that acknowledged it and
	// when. For a disagreement only AckMS is set: when the last write of
	// the key ended.
	Written   *string `json:"written,omitempty"`
	Seq       uint64  `json:"seq,omitempty"`
	WrittenBy string  `json:"written_by,omitempty"`
	AckMS     float64 `json:"ack_ms"`
	// Got is the answer read; Other, for a disagreement, the other
	// member's answer.
	Got   Answer  `json:"got"`
	Other *Answer `json:"other,omitempty"`
}

// Answer is one read of a key in a read-back round.
type Answer struct {
	Via     string  `json:"via,omitempty"`     // the member read through; "" for the client's route
	Version string  `json:"version,omitempty"` // the version that answered, when the client said
	Found   bool    `json:"found"`
	Seq     uint64  `json:"seq,omitempty"`
	Value   *string `json:"value,omitempty"` // absent when not found or not said
	AtMS    float64 `json:"at_ms"`           // when the read began
}

// GroupFigures are the headline figures of one client group: the clients
// the scenario named in it (Client.Group), or the clients it did not name
// (Name ""). Percentiles are nearest-rank, as in Summary.
type GroupFigures struct {
	Name        string   `json:"name"`    // "" for the clients of no named group
	Clients     []string `json:"clients"` // its clients, in run order
	Ops         int64    `json:"ops"`
	FailedOps   int64    `json:"failed_ops"`
	Windows     int      `json:"windows"`
	MaxWindowMS float64  `json:"max_window_ms"`
	P99WindowMS float64  `json:"p99_window_ms"`
	// TotalOutageMS is total outage as every verdict means it
	// (check.TotalOutageMS), over the group's clients: the time its worst
	// client, WorstClient, spent inside windows, overlaps counted once.
	TotalOutageMS float64        `json:"total_outage_ms"`
	WorstClient   string         `json:"worst_client"` // "" when no client of the group saw a window
	Integrity     GroupIntegrity `json:"integrity"`
}

// GroupIntegrity is what the read-back found of one group's writes: the
// counts of Integrity, taken over the group's clients only.
type GroupIntegrity struct {
	Checked       bool `json:"checked"`
	AckedWrites   int  `json:"acked_writes"`
	Lost          int  `json:"lost"` // acknowledged writes not found (Integrity.Lost names them)
	Unchecked     int  `json:"unchecked"`
	Indeterminate int  `json:"indeterminate"`
	AppliedFailed int  `json:"applied_failed"`
}

// MemberRestart is one replacement of a member (an upgrade, a downgrade,
// a restart) found on the timeline from its phase events: the stop began,
// the old program exited, the new one started, and it became healthy
// (ready). A phase whose end points were not reported is -1, never 0.
type MemberRestart struct {
	Member string  `json:"member"`
	Step   string  `json:"step"` // the step that replaced it (steps[].id); "" when none was found
	From   string  `json:"from"` // the version before; "" when unknown
	To     string  `json:"to"`   // the version after; "" when unknown
	AtMS   float64 `json:"at_ms"`
	// The phases, in ms; -1 when either end was not reported.
	StopToExitedMS     float64 `json:"stop_to_exited_ms"`
	ExitedToStartedMS  float64 `json:"exited_to_started_ms"`
	StartedToHealthyMS float64 `json:"started_to_healthy_ms"`
	StopToHealthyMS    float64 `json:"stop_to_healthy_ms"`
	// The windows the step caused (its ID among their causes), of every
	// client; MaxWindowMS and P99WindowMS are -1 when Step is unknown.
	Windows     int     `json:"windows"`
	MaxWindowMS float64 `json:"max_window_ms"`
	P99WindowMS float64 `json:"p99_window_ms"`
	// Groups are the same figures per client group, in the order of
	// Scenario.Groups; empty when that is.
	Groups []RestartGroup `json:"groups"`
}

// RestartGroup is what one client group saw of a member's restart: the
// windows the restarting step caused to the group's clients.
type RestartGroup struct {
	Group       string  `json:"group"`
	Windows     int     `json:"windows"`
	MaxWindowMS float64 `json:"max_window_ms"`
	P99WindowMS float64 `json:"p99_window_ms"`
}

// The three outcomes of a scenario and of one assertion.
const (
	StatusPassed  = "passed"
	StatusFailed  = "failed"
	StatusInvalid = "invalid" // the numbers cannot be vouched for
)

// Assertion is one verdict with the message that explains it. Invalid
// marks a verdict that could not be made on trustworthy numbers; Passed is
// then false.
type Assertion struct {
	Name    string `json:"name"`
	Passed  bool   `json:"passed"`
	Invalid bool   `json:"invalid,omitempty"`
	Message string `json:"message"`
}

// Artifact is a file kept next to the report (op logs, container logs).
type Artifact struct {
	Name string `json:"name"`
	Path string `json:"path"` // relative to the scenario's report directory
}
