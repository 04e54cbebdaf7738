package system

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/timeline"
)

// OverlordSpec declares the seed's arrangement: an overlord that runs the
// driver, restarts it when it dies and upgrades it on command, in one node.
type OverlordSpec struct {
	Name    string // the service name; also the node and proxy names
	Version string // the driver version it starts with
	// Standby runs a secondary driver at SecondaryVersion that replicates
	// from the primary, ready for a switchover.
	Standby          bool
	SecondaryVersion string
	Args             []string // extra overlord flags ("-max-attempts", "2")
	// Software is the overlord with its drivers beside it
	// (reference.OverlordSoftware, which the DSL's s.Overlord gives).
	Software runtime.Software
}

// Overlord is a running overlord service and the proxies in front of its
// drivers. Clients reach the drivers only through the proxies.
//
// In standby mode the secondary replicates through proxies too: the link
// named Spec.Name+"-replication" ("driver-replication"), one proxy in front
// of each driver, so that a fault on it reaches replication whichever
// driver is the primary. Its upstream stream is the secondary's requests,
// downstream the primary's snapshot and writes.
type Overlord struct {
	Spec        OverlordSpec
	Node        runtime.Node
	Proxies     []runtime.Proxy // primary first, then the secondary in standby mode
	Replication runtime.Proxy   // standby mode only: the replication link
	api         string
	http        *http.Client
}

// ReplicationLink is the name of a standby pair's replication link.
func ReplicationLink(service string) string { return service + "-replication" }

// SecondaryLink is the name of a standby pair's link to its secondary.
func SecondaryLink(service string) string { return service + "-secondary" }

// Links are the links of the overlord service spec declares: its own
// and, for a standby pair, its secondary's and its replication link. A
// client of the service depends on all of them (Path).
func (spec OverlordSpec) Links() []string {
	if spec.Standby {
		return []string{spec.Name, SecondaryLink(spec.Name), ReplicationLink(spec.Name)}
	}
	return []string{spec.Name}
}

// StartOverlord starts the overlord node and its proxies.
func (s *System) StartOverlord(ctx context.Context, spec OverlordSpec) (*Overlord, error) {
	if spec.Software.Name == "" {
		return nil, fmt.Errorf("start overlord %s: no software: give OverlordSpec.Software (reference.OverlordSoftware())", spec.Name)
	}
	args := []string{"-listen", "${LISTEN:7000}", "-api", "${LISTEN:7100}", "-version", spec.Version, "-data", "${DATA}"}
	ports := []string{"7000", "7100"}
	if spec.Standby {
		args = append(args, "-mode", "standby", "-secondary-listen", "${LISTEN:7001}",
			"-secondary-version", spec.SecondaryVersion)
		ports = append(ports, "7001")
	}
	args = append(args, spec.Args...)
	node, err := s.start(ctx, runtime.NodeSpec{
		Name: spec.Name, Version: spec.Version, Software: spec.Software,
		Args: args, Ports: ports, Ready: "7100", ReadyHTTP: "/healthz", DataDir: true,
	}, true)
	if err != nil {
		return nil, err
	}
	o := &Overlord{
		Spec: spec, Node: node,
		api:  "http://" + node.Endpoint("7100").External,
		http: &http.Client{Timeout: 2 * time.Minute},
	}
	driverPorts := []string{"7000"}
	if spec.Standby {
		driverPorts = append(driverPorts, "7001")
	}
	for i, p := range driverPorts {
		name := spec.Name
		if i > 0 {
			name = SecondaryLink(spec.Name)
		}
		px, err := s.Runtime.Proxy(ctx, name, node.Endpoint(p))
		if err != nil {
			return nil, fmt.Errorf("proxy %s: %w", name, err)
		}
		o.Proxies = append(o.Proxies, px)
	}
	if spec.Standby {
		if err := o.routeReplication(ctx, s.Runtime); err != nil {
			return nil, err
		}
	}
	if err := s.add(o); err != nil {
		return nil, err
	}
	s.logf("started overlord %s at %s (api %s)", spec.Name, spec.Version, o.api)
	return o, nil
}

// routeReplication puts a proxy in front of each driver for the other to
// replicate through, and tells the overlord to use them.
func (o *Overlord) routeReplication(ctx context.Context, rt runtime.Runtime) error {
	l := &link{name: ReplicationLink(o.Spec.Name)}
	q := url.Values{}
	for _, slot := range []struct{ node, port string }{{"primary", "7000"}, {"secondary", "7001"}} {
		name := l.name + "-" + slot.node
		px, err := rt.Proxy(ctx, name, o.Node.Endpoint(slot.port))
		if err != nil {
			return fmt.Errorf("proxy %s: %w", name, err)
		}
		l.proxies = append(l.proxies, px)
		q.Set(slot.node, px.Endpoint().Internal)
	}
	if err := o.post(ctx, "/replication", q); err != nil {
		return err
	}
	o.Replication = l
	return nil
}

// Addrs are the driver addresses clients use, primary first, as the
// clients' network sees them (through the proxies).
func (o *Overlord) Addrs() []string {
	var out []string
	for _, p := range o.Proxies {
		out = append(out, p.Endpoint().Internal)
	}
	return out
}

// ExternalAddrs are the same addresses as the framework on the host
// reaches them.
func (o *Overlord) ExternalAddrs() []string {
	var out []string
	for _, p := range o.Proxies {
		out = append(out, p.Endpoint().External)
	}
	return out
}

// Upgrade tells the overlord to kill the driver and start version, and
// waits until it answers (or the overlord gave up and rolled back). The
// overlord does it its own way, whatever how says, and records it in its
// own event log (Events), which the runner puts on the timeline: Upgrade
// returns no events of its own.
func (o *Overlord) Upgrade(ctx context.Context, version string, _ Replacement) ([]timeline.Event, error) {
	return nil, o.post(ctx, "/upgrade", url.Values{"version": {version}})
}

// Name is the service's name: its node's and its primary proxy's.
func (o *Overlord) Name() string { return o.Spec.Name }

// Links are the proxies in front of the drivers, then, for a standby
// pair, the replication link.
func (o *Overlord) Links() []runtime.Proxy {
	out := append([]runtime.Proxy(nil), o.Proxies...)
	if o.Replication != nil {
		out = append(out, o.Replication)
	}
	return out
}

// Nodes is the overlord's node: the drivers run inside it.
func (o *Overlord) Nodes() []runtime.Node { return []runtime.Node{o.Node} }

// Path is the service and, for a standby pair, the secondary's proxy and
// the replication link: a client of the pair depends on all three.
func (o *Overlord) Path() []string { return o.Spec.Links() }

// UpgradeSecondary restarts a standby pair's secondary at version (kill
// and restart; it replicates again from the primary), and waits until it
// answers: the preparation before a switchover.
func (o *Overlord) UpgradeSecondary(ctx context.Context, version string) error {
	return o.post(ctx, "/upgrade", url.Values{"version": {version}, "role": {"secondary"}})
}

// Switchover swaps the primary and the secondary, then restarts the old
// primary at version (empty: the new primary's version) as the secondary.
func (o *Overlord) Switchover(ctx context.Context, version string) error {
	v := url.Values{}
	if version != "" {
		v.Set("version", version)
	}
	return o.post(ctx, "/switchover", v)
}

// Signal sends sig ("KILL", "TERM", "STOP", "CONT") to one of the drivers
// the overlord runs ("primary" or "secondary").
func (o *Overlord) Signal(ctx context.Context, node, sig string) error {
	return o.post(ctx, "/signal", url.Values{"node": {node}, "sig": {sig}})
}

func (o *Overlord) post(ctx context.Context, path string, q url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.api+path+"?"+q.Encode(), nil)
	if err != nil {
		return fmt.Errorf("overlord %s: %w", path, err)
	}
	resp, err := o.http.Do(req)
	if err != nil {
		return fmt.Errorf("overlord %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error      string `json:"error"`
			RolledBack string `json:"rolled_back_to"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			if e.RolledBack != "" {
				return fmt.Errorf("overlord %s: %s (rolled back to %s)", path, e.Error, e.RolledBack)
			}
			return fmt.Errorf("overlord %s: %s", path, e.Error)
		}
		return fmt.Errorf("overlord %s: %s: %s", path, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}

// OverlordEvent is one entry of the overlord's own event log.
type OverlordEvent struct {
	Seq     int    `json:"seq"`
	Time    int64  `json:"time"`
	Kind    string `json:"kind"`
	Node    string `json:"node"` // the slot: "primary" (the -listen address) or "secondary"
	Role    string `json:"role"` // the role the slot's driver has now
	Version string `json:"version"`
	PID     int    `json:"pid"`
	Desc    string `json:"desc"`
	Phase   string `json:"phase"`
	// Asked is set on a "died" event when the exit was asked for: a
	// signal through the overlord's API, or a stop of its own (an
	// upgrade, a switchover, a hung driver it killed). A died event
	// without it is a crash, an unexpected exit.
	Asked bool `json:"asked,omitempty"`
}

// Events fetches the overlord's event log.
func (o *Overlord) Events(ctx context.Context) ([]OverlordEvent, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.api+"/events", nil)
	if err != nil {
		return nil, fmt.Errorf("overlord events: %w", err)
	}
	resp, err := o.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("overlord events: %w", err)
	}
	defer resp.Body.Close()
	var evs []OverlordEvent
	if err := json.NewDecoder(resp.Body).Decode(&evs); err != nil {
		return nil, fmt.Errorf("overlord events: %w", err)
	}
	return evs, nil
}

// TimelineEvents converts overlord events into system events on the
// timeline, IDs prefixed with the service name.
func (o *Overlord) TimelineEvents(evs []OverlordEvent) []timeline.Event {
	out := make([]timeline.Event, 0, len(evs))
	for _, e := range evs {
		desc := e.Desc
		if desc == "" {
			desc = fmt.Sprintf("%s %s %s", e.Node, e.Kind, e.Version)
		}
		out = append(out, timeline.Event{
			ID:    fmt.Sprintf("%s-%d", o.Spec.Name, e.Seq),
			Kind:  timeline.KindSystem,
			Desc:  fmt.Sprintf("overlord %s: %s", o.Spec.Name, desc),
			Start: e.Time, End: e.Time,
			Phase:      e.Phase,
			Targets:    []string{o.Spec.Name},
			Unexpected: e.Kind == "died" && !e.Asked,
		})
	}
	return out
}
