package analysis

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/timeline"
)

// A scenario's report directory keeps what its run recorded, so that the
// analysis can be run again on it with newer code (hatest analyze):
//
//	<dir>/recorded.json          everything but the op logs (RecordedFile)
//	<dir>/logs/<client>.ops.jsonl  each client's op log, as it wrote it
const (
	RecordedFile = "recorded.json"
	OpLogSuffix  = ".ops.jsonl"
	savedSchema  = 1
)

// saved is recorded.json.
type saved struct {
	Schema        int              `json:"schema"`
	Name          string           `json:"name"`
	Runtime       string           `json:"runtime"`
	Replay        string           `json:"replay"`
	Location      string           `json:"location,omitempty"`
	Labels        []string         `json:"labels"`
	Plan          []string         `json:"plan"`
	Seed          int64            `json:"seed"`
	Start         time.Time        `json:"start"`
	End           time.Time        `json:"end"`
	Begun         time.Time        `json:"begun"`
	TopologyReady time.Time        `json:"topology_ready"`
	LatencyBudget time.Duration    `json:"latency_budget_ns"`
	Tolerance     time.Duration    `json:"tolerance_ns"`
	Events        []timeline.Event `json:"events"`
	Lifecycle     []Lifecycle      `json:"lifecycle"`
	Clients       []savedClient    `json:"clients"`
	Failures      []string         `json:"failures,omitempty"`
	SetupError    string           `json:"setup_error,omitempty"`
	Interrupted   bool             `json:"interrupted,omitempty"`
}

type savedClient struct {
	Name     string        `json:"name"`
	Version  string        `json:"version"`
	Service  string        `json:"service,omitempty"`
	Path     []string      `json:"path"`
	Group    string        `json:"group,omitempty"`
	Interval time.Duration `json:"interval_ns"`
}

// Save writes dir/recorded.json: what rec holds but the clients' op logs,
// which the runner keeps beside it in dir/logs.
func Save(dir string, rec Recorded) error {
	s := saved{
		Schema: savedSchema, Name: rec.Name, Runtime: rec.Runtime, Replay: rec.Replay, Location: rec.Location,
		Labels: rec.Labels, Plan: rec.Plan, Seed: rec.Seed, Start: rec.Start, End: rec.End,
		Begun: rec.Begun, TopologyReady: rec.TopologyReady, LatencyBudget: rec.LatencyBudget, Tolerance: rec.Tolerance,
		Events: rec.Events, Lifecycle: rec.Lifecycle,
		Failures: rec.Failures, SetupError: rec.SetupError, Interrupted: rec.Interrupted,
	}
	for _, c := range rec.Clients {
		s.Clients = append(s.Clients, savedClient{c.Name, c.Version, c.Service, c.Path, c.Group, c.Interval})
	}
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return fmt.Errorf("save recorded: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save recorded: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, RecordedFile), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("save recorded: %w", err)
	}
	return nil
}

// ErrNotSaved is returned by Load for a directory without recorded.json.
var ErrNotSaved = errors.New("no recorded run")

// Load reads a run saved by Save and the runner: dir/recorded.json and
// each client's op log in dir/logs. A missing op log is an error; lines
// of it that do not parse are kept as BadLines, as during the run.
func Load(dir string) (Recorded, error) {
	b, err := os.ReadFile(filepath.Join(dir, RecordedFile))
	if errors.Is(err, os.ErrNotExist) {
		return Recorded{}, fmt.Errorf("load %s: %w (%s is missing; runs of hatest before analyze existed did not keep it)", dir, ErrNotSaved, RecordedFile)
	}
	if err != nil {
		return Recorded{}, fmt.Errorf("load %s: %w", dir, err)
	}
	var s saved
	if err := json.Unmarshal(b, &s); err != nil {
		return Recorded{}, fmt.Errorf("load %s: %s: %w", dir, RecordedFile, err)
	}
	if s.Schema != savedSchema {
		return Recorded{}, fmt.Errorf("load %s: %s has schema %d; this hatest reads %d", dir, RecordedFile, s.Schema, savedSchema)
	}
	rec := Recorded{
		Name: s.Name, Runtime: s.Runtime, Replay: s.Replay, Location: s.Location,
		Labels: s.Labels, Plan: s.Plan, Seed: s.Seed, Start: s.Start, End: s.End,
		Begun: s.Begun, TopologyReady: s.TopologyReady, LatencyBudget: s.LatencyBudget, Tolerance: s.Tolerance,
		Events: s.Events, Lifecycle: s.Lifecycle,
		Failures: s.Failures, SetupError: s.SetupError, Interrupted: s.Interrupted,
	}
	for _, c := range s.Clients {
		cr := ClientRecord{Name: c.Name, Version: c.Version, Service: c.Service, Path: c.Path, Group: c.Group, Interval: c.Interval}
		f, err := os.Open(filepath.Join(dir, "logs", c.Name+OpLogSuffix))
		if err != nil {
			return Recorded{}, fmt.Errorf("load %s: op log of client %s: %w", dir, c.Name, err)
		}
		rd := probe.NewReader(f)
		for {
			r, err := rd.Next()
			if err == io.EOF {
				break
			}
			if errors.Is(err, probe.ErrMalformed) {
				cr.BadLines = append(cr.BadLines, err)
				continue
			}
			if err != nil {
				f.Close()
				return Recorded{}, fmt.Errorf("load %s: op log of client %s: %w", dir, c.Name, err)
			}
			cr.Records = append(cr.Records, r)
		}
		f.Close()
		rec.Clients = append(rec.Clients, cr)
	}
	return rec, nil
}
