package planner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Schema is the version of the plan data's format (a plan file).
const Schema = 1

// Data is a plan as data: its items in plan order, each with the
// parameters the seed drew for it. Draw makes it, Data.Build builds the
// steps from it, `hatest plan --json` writes it as a plan file and
// `hatest run --plan` reads one back, and results.json carries it
// (plan_data), so that a failed run can be shrunk from its report.
//
// An item is an upgrade (with the wait after it, and for a standby pair
// the secondary prepared first), or a fault (between upgrades, or
// during one, with the wait that goes with it). Waits are numbers of
// their items, not items, so that dropping a fault drops its wait.
type Data struct {
	Schema   int    `json:"schema"`
	Scenario string `json:"scenario,omitempty"` // the scenario that declared it
	Package  string `json:"package,omitempty"`  // its suite, as hatest run takes it ("./scenarios")
	Seed     int64  `json:"seed"`               // the seed that drew it
	// Topology is what the plan is for; a plan given to a scenario must
	// be for the topology the scenario declares.
	Topology Topology `json:"topology"`
	// Start is the version the topology is declared at, and Final the
	// one the plan ends at: its last upgrade's To, else Start.
	Start string `json:"start"`
	Final string `json:"final"`
	// Steps is the plan's length in leaf steps (Length); Items what it
	// is made of.
	Steps int    `json:"steps"`
	Items []Item `json:"items"`
}

// Topology is the part of a Config a plan depends on.
type Topology struct {
	Service    string   `json:"service,omitempty"`
	Standby    bool     `json:"standby,omitempty"`
	Cluster    string   `json:"cluster,omitempty"`
	Members    []string `json:"members,omitempty"`
	Versions   []string `json:"versions"`
	Kind       string   `json:"kind"`                  // Kind's String: "drawn", "N-1 -> N", ...
	RollbackAt int      `json:"rollback_at,omitempty"` // for a rollback
	// SkipHops allows an upgrade over a version (v1 -> v3), as
	// Config.SkipHops does; Rehearse, a downgrade and re-upgrade.
	SkipHops bool `json:"skip_hops,omitempty"`
	Rehearse bool `json:"rehearse,omitempty"`
}

// The kinds of item, and the moves of an upgrade.
const (
	KindUpgrade = "upgrade"
	KindFault   = "fault"

	MoveUp      = "up"      // to a newer version
	MoveDown    = "down"    // to an older one
	MovePartial = "partial" // a rollback's upgrade of its first members
	MoveBack    = "back"    // their roll-back
)

// Item is one upgrade or fault of a plan.
type Item struct {
	// ID numbers the item in the plan it was drawn in; a shrunk plan
	// keeps the IDs of the items it kept.
	ID   int    `json:"id"`
	Kind string `json:"kind"` // KindUpgrade or KindFault
	// Desc is its line in the plan, and Events the timeline events its
	// steps became ("step-4", "fault-5.1"): filled in when the plan is
	// built, read by people and by hatest shrink, ignored when read.
	Desc   string   `json:"desc,omitempty"`
	Events []string `json:"events,omitempty"`

	// An upgrade: from the version before it to To. From is the version
	// the plan is at (Start, or the last upgrade's To): a plan file may
	// leave it out.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	Move string `json:"move,omitempty"` // MoveUp, MoveDown, MovePartial, MoveBack
	// PrepareMS is the wait between preparing a standby pair's secondary
	// and the switchover.
	PrepareMS int64 `json:"prepare_ms,omitempty"`

	// A fault: the rule of the planner's table that drew it, its
	// parameters ("hold_ms", "latency_ms", ...) and the members it acts
	// on. During is the ID of the upgrade it runs with, LeadMS how long
	// after the fault begins that upgrade starts; 0 for a fault between
	// steps.
	Rule    string           `json:"rule,omitempty"`
	Params  map[string]int64 `json:"params,omitempty"`
	Members []string         `json:"members,omitempty"`
	During  int              `json:"during,omitempty"`
	LeadMS  int64            `json:"lead_ms,omitempty"`

	// AfterMS is the wait after the item (after an upgrade, or after a
	// fault between steps): 0 for none.
	AfterMS int64 `json:"after_ms,omitempty"`
}

// topologyOf is c's topology, as plan data says it.
func topologyOf(c Config) Topology {
	t := Topology{Service: c.Service, Standby: c.Standby, Cluster: c.Cluster, Members: c.Members, Versions: c.Versions, Kind: c.Kind.String()}
	if c.Kind == Drawn {
		t.SkipHops, t.Rehearse = c.SkipHops, c.Rehearse
	}
	if c.Kind == Rollback {
		t.RollbackAt = c.RollbackAt
	}
	if c.Cluster != "" {
		t.Service = ""
	}
	return t
}

// Parse reads plan data (a plan file). Anything it does not know, a
// missing part or another schema is an error that says what to do.
func Parse(b []byte) (Data, error) {
	var d Data
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Data{}, fmt.Errorf("not a plan file (%v); write one with hatest plan --json", err)
	}
	if dec.More() {
		return Data{}, errors.New("not a plan file: more than one JSON value; write one with hatest plan --json")
	}
	if d.Schema != Schema {
		return Data{}, fmt.Errorf("plan file schema %d; this hatest reads schema %d: write it again with hatest plan --json", d.Schema, Schema)
	}
	if len(d.Topology.Versions) == 0 || d.Start == "" {
		return Data{}, errors.New("plan file has no topology versions or start; write one with hatest plan --json")
	}
	return d, d.Chain()
}

// JSON is the plan file: indented, as hatest plan --json writes it.
func (d Data) JSON() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "v1 -> v2" stays readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		panic("planner: plan data: " + err.Error()) // plain data always marshals
	}
	return b.Bytes()
}

// Config is the Config the topology says, unbounded: what a tool that
// holds only the data (hatest shrink) builds the plan with. The faults'
// budget and rules need nothing else.
func (t Topology) Config() (Config, error) {
	c := Config{Service: t.Service, Standby: t.Standby, Cluster: t.Cluster, Members: t.Members, Versions: t.Versions,
		RollbackAt: t.RollbackAt, SkipHops: t.SkipHops, Rehearse: t.Rehearse, MaxSteps: math.MaxInt32}
	for k := Drawn; k <= Rollback; k++ {
		if k.String() == t.Kind {
			c.Kind = k
			return c, nil
		}
	}
	return Config{}, fmt.Errorf("plan topology kind %q; want one of drawn, N-1 -> N, N-2 -> N, downgrade rehearsal, rollback", t.Kind)
}

// Normal is d built for its own topology, with what building says
// filled in: each upgrade's From, each item's Desc, the Final version
// and the length in Steps. Events stay as they were: only a run numbers
// a plan.
func (d Data) Normal() (Data, error) {
	c, err := d.Topology.Config()
	if err != nil {
		return Data{}, err
	}
	c = settle(c)
	if err := d.Chain(); err != nil {
		return Data{}, err
	}
	d.Items = slices.Clone(d.Items)
	d = d.Keep(slices.Repeat([]bool{true}, len(d.Items)))
	steps, _, err := d.steps(c, nil)
	if err != nil {
		return Data{}, err
	}
	d.Steps = Length(steps)
	return d, nil
}

func (t Topology) String() string {
	what := "service " + t.Service
	switch {
	case t.Cluster != "":
		what = fmt.Sprintf("cluster %s (%s)", t.Cluster, strings.Join(t.Members, ", "))
	case t.Standby:
		what = "standby pair " + t.Service
	}
	kind := t.Kind
	if t.RollbackAt != 0 {
		kind += fmt.Sprintf(" at %d%%", t.RollbackAt)
	}
	if t.SkipHops {
		kind += ", skip hops"
	}
	if t.Rehearse {
		kind += ", rehearsals"
	}
	return fmt.Sprintf("%s, versions %s, %s", what, strings.Join(t.Versions, ", "), kind)
}

// steps builds the plan's steps for c (settled), the version it ends
// at, and each item's Desc. track, when set, wraps the steps of each
// item (its upgrade, and a standby pair's prepare; its fault), so that
// the item's events can be found once the plan is numbered.
