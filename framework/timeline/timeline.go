package timeline

import (
	"strconv"
	"time"
)

// Op is one client operation as the probe recorded it. Times are Unix
// nanoseconds read from the host clock; End is when the client saw the
// answer, the error or its own deadline.
type Op struct {
	Client string
	Class  string // "read", "write", ...
	Conn   string // "reused" or "new"
	// Sched is when the op was due by the client's schedule; zero when the
	// client does not say. Start - Sched is the client's own lag.
	Sched   int64
	Start   int64
	End     int64
	OK      bool
	Err     string
	Version string // driver version that served it
	Role    string // driver role that served it
	Server  string // driver instance that served it
}

// Event is something the scenario did or saw: a plan step, a fault, or an
// event the system under test reported (the overlord's "detected death").
// It is the one timeline type with JSON tags: a saved run keeps its events
// in that form (package analysis, recorded.json), to be analysed again.
type Event struct {
	ID           string `json:"id"`
	Kind         string `json:"kind"` // "step", "fault", "system", ...
	Desc         string `json:"desc"`
	Start        int64  `json:"start"`
	End          int64  `json:"end"` // equal to Start for instants
	ExpectOutage bool   `json:"expect_outage"`
	// Idle marks a step that only lets time pass (a wait, the warm-up,
	// the settle): it is on the timeline, but it cannot cause a window.
	Idle bool `json:"idle,omitempty"`
	// Phase marks events that the system under test reported during a
	// failover: PhaseDetect when it noticed a death or hang, PhaseReady when
	// a driver (restarted, upgraded or promoted) accepts work again.
	Phase string `json:"phase,omitempty"`
	// Targets are the parts of the topology the event acts on: the names
	// of services, nodes, proxies and links (see Config.Paths). An event
	// with no Targets acts on everything: it may cause any client's window.
	Targets []string `json:"targets,omitempty"`
	// Unexpected marks a program's exit that no step or fault asked for:
	// a member that crashed, seen by the runtime or reported by the
	// system under test (the overlord's "died" of a driver it was not
	// told to stop). Desc names the program, its exit code and its last
	// log lines. check.NoUnexpectedExit fails on it.
	Unexpected bool `json:"unexpected,omitempty"`
}

// RoundEventPrefix is the ID prefix of the event that marks a read-back
// round on the timeline: RoundEventID(n), "readback-2", with a Desc of the
// form "read-back round 2: <label>" (system.ReadBack puts it there,
// check.ReadBack reads it).
const RoundEventPrefix = "readback-"

// RoundEventID is the ID of the timeline event of read-back round n.
func RoundEventID(n int) string { return RoundEventPrefix + strconv.Itoa(n) }

// Event kinds and failover phases.
const (
	KindStep   = "step"
	KindFault  = "fault"
	KindSystem = "system"

	PhaseDetect = "detect"
	PhaseReady  = "ready"

	// The phases of one member's replacement (upgrade, downgrade,
	// restart), each an instant with the member in Targets: the stop
	// began (the drain signal or SIGTERM), the old program exited, the
	// new one started, and PhaseReady when it passed its readiness check.
	PhaseStop    = "stop"
	PhaseExited  = "exited"
	PhaseStarted = "started"
)

// Window is one client-visible outage: a maximal run of failed operations
// of one client and class, from the start of the first failed op to the
// first good answer after it. See docs/measurement.md for the exact rule.
type Window struct {
	Client   string
	Class    string
	Start    int64
	End      int64
	Open     bool     // no good answer came before the run ended
	Failed   int      // failed ops inside the window
	Reasons  []string // distinct failure reasons, most frequent first
	Causes   []string // IDs of events active at Start (within tolerance)
	Expected bool     // some cause declared that it expects an outage
	// ProbeLag marks a window that the client's own schedule lag explains:
	// the client fell behind its schedule, so the window cannot be
	// blamed on the system (see MarkProbeLag). Its Causes are then
	// []string{CauseProbeLag}.
	ProbeLag bool
	// Tail marks a window attributed to a step on the client's path that
	// had already ended: the recovery tail of a member that came back and
	// flapped shortly after its own restart.
	Tail bool
}

// CauseProbeLag is the only cause of a ProbeLag window.
const CauseProbeLag = "probe-lag"

// Duration is the window's length.
func (w Window) Duration() time.Duration { return time.Duration(w.End - w.Start) }

// Config tunes the outage computation.
type Config struct {
	// LatencyBudget makes an op that succeeded but took longer than this
	// count as failed ("up but unusable"). Zero disables the rule.
	LatencyBudget time.Duration
	// Tolerance widens every event by this much on both sides when windows
	// are attributed to causes.
	Tolerance time.Duration
	// ClassOf maps an op to the class its windows are computed in. The
	// default is Op.Class.
	ClassOf func(Op) string
	// Paths says what each client depends on, by client name: the names
	// of the services, nodes, proxies and links on its path (the same
	// names events list in Targets). An event with Targets is a candidate
	// cause of a client's window only if one of them is on the client's
	// path. A client without an entry, or with an empty one, depends on
	// everything.
	Paths map[string][]string
	// RecoveryTail is how long after a step or fault on a client's path
	// ended a window of that client with no other step or fault to blame
	// is still put down to it (Window.Tail). Zero means
	// DefaultRecoveryTail; a negative value turns the rule off.
	RecoveryTail time.Duration
}
