package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hatest/hatest/framework/result"
)

// SchemaError is returned by ReadRun for a file of another schema. It
// matches ErrSchema.
type SchemaError struct {
	Path   string
	Schema int  // the schema the file declares
	Absent bool // the file has no schema field
}

func (e *SchemaError) Error() string {
	if e.Absent {
		return fmt.Sprintf("%s: no schema field (this hatest reads schema %d)", e.Path, result.Schema)
	}
	return fmt.Sprintf("%s: schema %d not supported (this hatest reads schema %d)", e.Path, e.Schema, result.Schema)
}

// Is makes errors.Is(err, ErrSchema) true.
func (e *SchemaError) Is(target error) bool { return target == ErrSchema }

// ReadRun reads results.json, given either the file or the directory that
// holds it. Errors name the file and, for malformed JSON, the line:
//
//	out/results.json: line 3: invalid character '}' looking for beginning of object key string
//	out/results.json: schema 7 not supported (this hatest reads schema 1)
//
// Fields this hatest does not know are ignored: adding fields does not
// change the schema (see docs/report-format.md). A scenario written before
// hatest had a third outcome has no "status": it is derived from "passed"
// (see Status).
func ReadRun(path string) (*result.Run, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "results.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read run: %w", err)
	}
	var head struct {
		Schema *int `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, jsonError(path, data, err)
	}
	if head.Schema == nil {
		return nil, &SchemaError{Path: path, Absent: true}
	}
	if *head.Schema != result.Schema {
		return nil, &SchemaError{Path: path, Schema: *head.Schema}
	}
	var r result.Run
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, jsonError(path, data, err)
	}
	for i := range r.Scenarios {
		r.Scenarios[i].Status = Status(&r.Scenarios[i])
	}
	return &r, nil
}

// jsonError says where in which file the JSON went wrong.
func jsonError(path string, data []byte, err error) error {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if off < 0 {
		return fmt.Errorf("%s: %s", path, msg)
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	return fmt.Errorf("%s: line %d: %s", path, line, msg)
}

// Merge combines the results of shards of one run into one run: the
// scenarios of each shard in argument order, failures first is left to the
// index. Shards must agree on the seed and, where both know it, the commit
// (otherwise they are not shards of one run); the runtime becomes the
// shards' runtimes joined by "+" when they differ, and the start time the
// earliest. Two scenarios with one slug are an error (ErrDuplicate): they
// would overwrite each other's report directory, and keeping both under a
// suffixed name would hide a sharding mistake. Merge copies; the inputs are
// not changed.
func Merge(runs ...*result.Run) (*result.Run, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("merge: no runs")
	}
	out := &result.Run{Schema: result.Schema}
	seen := map[string]int{} // slug -> shard index
	var runtimes []string
	for i, r := range runs {
		if r == nil {
			return nil, fmt.Errorf("merge: run %d: %w", i+1, errNil)
		}
		if r.Schema != 0 && r.Schema != result.Schema {
			return nil, fmt.Errorf("merge: run %d: %w %d (this hatest reads schema %d)", i+1, ErrSchema, r.Schema, result.Schema)
		}
		if i == 0 {
			out.Seed, out.Commit, out.StartedAt = r.Seed, r.Commit, r.StartedAt
		} else {
			if r.Seed != out.Seed {
				return nil, fmt.Errorf("merge: run %d has seed %d, run 1 has seed %d: not shards of one run (give every shard the same --seed)", i+1, r.Seed, out.Seed)
			}
			if r.Commit != "" && out.Commit != "" && r.Commit != out.Commit {
				return nil, fmt.Errorf("merge: run %d is of commit %s, run 1 of %s: not shards of one run", i+1, r.Commit, out.Commit)
			}
			if out.Commit == "" {
				out.Commit = r.Commit
			}
			if !r.StartedAt.IsZero() && (out.StartedAt.IsZero() || r.StartedAt.Before(out.StartedAt)) {
				out.StartedAt = r.StartedAt
			}
		}
		if r.Runtime != "" && !contains(runtimes, r.Runtime) {
			runtimes = append(runtimes, r.Runtime)
		}
		for _, s := range r.Scenarios {
			if j, ok := seen[s.Slug]; ok {
				return nil, fmt.Errorf("merge: scenario %q in run %d: %w %q (also in run %d)", s.Scenario, i+1, ErrDuplicate, s.Slug, j+1)
			}
			seen[s.Slug] = i
			out.Scenarios = append(out.Scenarios, s)
		}
	}
	sort.Strings(runtimes)
	out.Runtime = strings.Join(runtimes, "+")
	if out.Scenarios == nil {
		out.Scenarios = []result.Scenario{}
	}
	return out, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
