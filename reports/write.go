package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/hatest/hatest/framework/result"
)

// Errors.
var (
	// ErrSlug is returned for a scenario slug that is not a safe directory
	// name: letters, digits, '.', '_' and '-', not starting with '.'.
	ErrSlug = errors.New("unsafe slug")
	// ErrDuplicate is returned when two scenarios of one run share a slug.
	ErrDuplicate = errors.New("duplicate slug")
	// ErrSchema is returned for results of a schema this hatest cannot read.
	ErrSchema = errors.New("unsupported schema")

	errNil = errors.New("nil result")
)

var slugRE = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*$`)

// checkSlug reports whether slug can name a directory next to index.html.
func checkSlug(s *result.Scenario) error {
	if !slugRE.MatchString(s.Slug) || len(s.Slug) > 200 {
		return fmt.Errorf("scenario %q: %w %q", s.Scenario, ErrSlug, s.Slug)
	}
	return nil
}

// ScenarioJSON writes report.json: the scenario, indented, with
// "schema" first and every list present (empty, never null).
func ScenarioJSON(w io.Writer, s *result.Scenario) error {
	if s == nil {
		return fmt.Errorf("encode scenario: %w", errNil)
	}
	n := normalize(*s)
	doc := struct {
		Schema int `json:"schema"`
		*result.Scenario
	}{result.Schema, &n}
	return encode(w, "scenario", doc)
}

// RunJSON writes results.json: the run, indented, with every list present.
// A zero Schema is written as result.Schema; another schema is an error,
// since this code can only write the current one.
func RunJSON(w io.Writer, r *result.Run) error {
	n, err := normalizeRun(r)
	if err != nil {
		return err
	}
	return encode(w, "run", n)
}

func normalizeRun(r *result.Run) (*result.Run, error) {
	if r == nil {
		return nil, fmt.Errorf("encode run: %w", errNil)
	}
	n := *r
	if n.Schema == 0 {
		n.Schema = result.Schema
	}
	if n.Schema != result.Schema {
		return nil, fmt.Errorf("encode run: %w %d (this hatest writes schema %d)", ErrSchema, n.Schema, result.Schema)
	}
	n.Scenarios = make([]result.Scenario, len(r.Scenarios))
	for i := range r.Scenarios {
		n.Scenarios[i] = normalize(r.Scenarios[i])
	}
	return &n, nil
}

func encode(w io.Writer, what string, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode %s: %w", what, err)
	}
	return nil
}

// WriteScenario writes dir/report.json and dir/report.html, creating dir.
// Each file is written to a temporary name and renamed into place, so a
// reader never sees half a report.
func WriteScenario(dir string, s *result.Scenario) error {
	if s == nil {
		return fmt.Errorf("write scenario: %w", errNil)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write scenario: %w", err)
	}
	if err := writeFile(filepath.Join(dir, "report.json"), func(w io.Writer) error { return ScenarioJSON(w, s) }); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "report.html"), func(w io.Writer) error { return ScenarioHTML(w, s) })
}

// WriteRun writes a run into dir:
//
//	dir/results.json        every scenario (schema set to result.Schema if zero)
//	dir/index.html          the run: failed, then invalid, then passed, linking to ↓
//	dir/junit.xml           the run for CI, as JUnit renders it
//	dir/<slug>/report.json  each scenario, as WriteScenario writes it
//	dir/<slug>/report.html
//
// It is the one writer of all of them, for a plain run and for merged
// shards alike, so that results.json, index.html and junit.xml always
// carry the same verdicts. Files already in dir/<slug>/ (artifacts) are
// left alone. Slugs must be safe directory names (ErrSlug) and distinct
// (ErrDuplicate); nothing is written when they are not.
func WriteRun(dir string, r *result.Run) error {
	n, err := normalizeRun(r)
	if err != nil {
		return fmt.Errorf("write run: %w", err)
	}
	seen := map[string]bool{}
	for i := range n.Scenarios {
		s := &n.Scenarios[i]
		if err := checkSlug(s); err != nil {
			return fmt.Errorf("write run: %w", err)
		}
		if seen[s.Slug] {
			return fmt.Errorf("write run: scenario %q: %w %q", s.Scenario, ErrDuplicate, s.Slug)
		}
		seen[s.Slug] = true
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write run: %w", err)
	}
	for i := range n.Scenarios {
		s := &n.Scenarios[i]
		if err := WriteScenario(filepath.Join(dir, s.Slug), s); err != nil {
			return fmt.Errorf("write run: %s: %w", s.Slug, err)
		}
	}
	for _, f := range []struct {
		name   string
		render func(io.Writer) error
	}{
		{"results.json", func(w io.Writer) error { return encode(w, "run", n) }},
		{"index.html", func(w io.Writer) error { return IndexHTML(w, n) }},
		{"junit.xml", func(w io.Writer) error { return JUnit(w, n) }},
	} {
		if err := writeFile(filepath.Join(dir, f.name), f.render); err != nil {
			return fmt.Errorf("write run: %w", err)
		}
	}
	return nil
}

// writeFile renders into memory and then replaces path atomically.
func writeFile(path string, render func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// normalize returns a copy of s whose lists are empty rather than nil, so
// that report.json has [] where a reader would otherwise meet null, and
// whose status is set (derived from passed when empty, see Status).
func normalize(s result.Scenario) result.Scenario {
	s.Status = Status(&s)
	s.Labels = nonNil(s.Labels)
	s.Plan = nonNil(s.Plan)
	s.Steps = nonNil(s.Steps)
	s.Clients = nonNil(s.Clients)
	s.Versions = nonNil(s.Versions)
	s.Latency = nonNil(s.Latency)
	s.Failovers = nonNil(s.Failovers)
	s.Assertions = nonNil(s.Assertions)
	s.Artifacts = nonNil(s.Artifacts)
	s.Integrity.Lost = nonNil(s.Integrity.Lost)
	s.Integrity.SplitBrain = nonNil(s.Integrity.SplitBrain)
	gs := make([]result.GroupFigures, len(s.Groups))
	for i, g := range s.Groups {
		g.Clients = nonNil(g.Clients)
		gs[i] = g
	}
	s.Groups = gs
	rs := make([]result.MemberRestart, len(s.Restarts))
	for i, r := range s.Restarts {
		r.Groups = nonNil(r.Groups)
		rs[i] = r
	}
	s.Restarts = rs
	ws := make([]result.Window, len(s.Windows))
	for i, w := range s.Windows {
		w.Reasons = nonNil(w.Reasons)
		w.Causes = nonNil(w.Causes)
		ws[i] = w
	}
	s.Windows = ws
	cs := make([]result.Client, len(s.Clients))
	for i, c := range s.Clients {
		c.BadLines = nonNil(c.BadLines)
		cs[i] = c
	}
	s.Clients = cs
	for i := range s.Clients {
		s.Clients[i].Path = nonNil(s.Clients[i].Path)
	}
	return s
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
