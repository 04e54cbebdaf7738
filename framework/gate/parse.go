package gate

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

var (
	// ErrInvalidBudgets is wrapped by every problem ParseBudgets finds in
	// a budgets file.
	ErrInvalidBudgets = errors.New("invalid budgets")
	// ErrUnknownScenario is wrapped by Validate's errors: a budget for a
	// scenario that does not exist.
	ErrUnknownScenario = errors.New("unknown scenario")
	// ErrUnknownLabel is wrapped by Validate's errors: a budget for a label
	// that no scenario carries.
	ErrUnknownLabel = errors.New("unknown label")
)

// BudgetError is one problem in a budgets file. Its message names the file,
// the line when known, and the field:
//
//	budgets.yaml:7: scenarios."x".max_window: "fast" is not a duration (use e.g. 300ms)
type BudgetError struct {
	File  string
	Line  int    // 1-based; 0 when not known
	Field string // `defaults.max_window`, `scenarios."x"`; empty for the file as a whole
	Msg   string
	Err   error // ErrInvalidBudgets, ErrUnknownScenario or ErrUnknownLabel
}

func (e *BudgetError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	if e.Field == "" {
		return loc + ": " + e.Msg
	}
	return loc + ": " + e.Field + ": " + e.Msg
}

func (e *BudgetError) Unwrap() error { return e.Err }

// The fields of a budgets file.
var (
	topFields   = []string{"defaults", "labels", "scenarios"}
	limitFields = []string{"max_window", "total_outage", "error_rate"}
)

// LoadBudgets reads and parses one budgets file; see ParseBudgets.
func LoadBudgets(path string) (*Budgets, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read budgets: %w", err)
	}
	return ParseBudgets(path, data)
}

// ParseBudgets parses a budgets file; name is used for the format (by its
// extension: .json, or .yaml/.yml; otherwise by the content: a leading '{'
// is JSON) and in messages. Every problem found is reported, one
// *BudgetError per line of the error, each wrapping ErrInvalidBudgets.
func ParseBudgets(name string, data []byte) (*Budgets, error) {
	p := &parser{file: name}
	if isJSON(name, data) {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return nil, p.errorAt(lineOf(data, se.Offset), "", se.Error())
			}
			return nil, p.errorAt(0, "", err.Error())
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, p.yamlError(err)
	}
	b := &Budgets{File: name, Labels: map[string]Limits{}, Scenarios: map[string]Limits{}, lines: map[string]int{}, labelLines: map[string]int{}}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, p.errorAt(0, "", "no budgets in the file (expected defaults, labels or scenarios)")
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, p.errorAt(root.Line, "", "must be a mapping with defaults, labels and scenarios")
	}
	p.pairs(root, "", func(key string, k, v *yaml.Node) {
		switch key {
		case "defaults":
			b.Defaults = p.limits(v, "defaults")
		case "labels":
			p.named(v, "labels", func(name string, line int, l Limits) {
				b.Labels[name] = l
				b.labelLines[name] = line
			})
		case "scenarios":
			p.named(v, "scenarios", func(name string, line int, l Limits) {
				b.Scenarios[name] = l
				b.lines[name] = line
			})
		default:
			p.add(k.Line, key, "unknown field"+didYouMean(key, topFields)+" (known: "+strings.Join(topFields, ", ")+")")
		}
	})
	if len(p.errs) == 0 && b.Defaults.empty() && !anyLimit(b.Labels) && !anyLimit(b.Scenarios) {
		p.add(root.Line, "", "sets no limit (expected max_window, total_outage or error_rate under defaults, labels or scenarios)")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return b, nil
}

func anyLimit(m map[string]Limits) bool {
	for _, l := range m {
		if !l.empty() {
			return true
		}
	}
	return false
}

// Validate checks that every scenario named in b is one of names (the
// names of the suite's scenarios), and every label in b is one of labels
// (the labels its scenarios carry). Each unknown one is a *BudgetError
// wrapping ErrUnknownScenario or ErrUnknownLabel that suggests close
// names: a budget that applies to nothing is a mistake, never a pass.
// With no names there is no suite to check against and Validate returns
// nil.
func (b *Budgets) Validate(names, labels []string) error {
	if b == nil || len(names) == 0 {
		return nil
	}
	var errs []*BudgetError
	for name := range b.Scenarios {
		if slices.Contains(names, name) {
			continue
		}
		errs = append(errs, &BudgetError{
			File: b.File, Line: b.lines[name], Field: "scenarios." + strconv.Quote(name),
			Msg: "no such scenario" + didYouMean(name, names), Err: ErrUnknownScenario,
		})
	}
	for label := range b.Labels {
		if slices.Contains(labels, label) {
			continue
		}
		msg := "no scenario carries this label" + didYouMean(label, labels)
		if len(labels) == 0 {
			msg = "no scenario carries this label (no scenario has a label)"
		}
		errs = append(errs, &BudgetError{
			File: b.File, Line: b.labelLines[label], Field: "labels." + strconv.Quote(label),
			Msg: msg, Err: ErrUnknownLabel,
		})
	}
	return join(errs)
}

// join is nil, the one error, or all of them in line order.
func join(errs []*BudgetError) error {
	slices.SortStableFunc(errs, func(a, b *BudgetError) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), strings.Compare(a.Field, b.Field))
	})
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	es := make([]error, len(errs))
	for i, e := range errs {
		es[i] = e
	}
	return errors.Join(es...)
}

func isJSON(name string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return true
	case ".yaml", ".yml":
		return false
	}
	return bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
}

// lineOf is the 1-based line of byte offset off in data.
func lineOf(data []byte, off int64) int {
	off = max(0, min(off, int64(len(data))))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// parser collects the problems of one file.
type parser struct {
	file string
	errs []*BudgetError
}

func (p *parser) add(line int, field, msg string) {
	p.errs = append(p.errs, &BudgetError{File: p.file, Line: line, Field: field, Msg: msg, Err: ErrInvalidBudgets})
}

func (p *parser) errorAt(line int, field, msg string) error {
	p.add(line, field, msg)
	return p.err()
}

func (p *parser) err() error { return join(p.errs) }

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns yaml's "yaml: line 3: msg" into file:3: msg.
func (p *parser) yamlError(err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return p.errorAt(n, "", m[2])
	}
	return p.errorAt(0, "", strings.TrimPrefix(msg, "yaml: "))
}

// deref follows an alias to what it names.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// pairs calls fn for each key of mapping n, reporting keys that are not
// scalars or appear twice. path is the field n is at ("" for the top).
func (p *parser) pairs(n *yaml.Node, path string, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.add(k.Line, path, "keys must be plain names")
			continue
		}
		field := join2(path, k.Value, path == "labels" || path == "scenarios")
		if first, dup := seen[k.Value]; dup {
			p.add(k.Line, field, fmt.Sprintf("defined twice (first on line %d)", first))
			continue
		}
		seen[k.Value] = k.Line
		fn(k.Value, k, v)
	}
}

// join2 is path.key, with key quoted when it is a name the user chose.
func join2(path, key string, quote bool) string {
	if quote {
		key = strconv.Quote(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// named parses labels: or scenarios:, a mapping of name to limits.
func (p *parser) named(n *yaml.Node, path string, fn func(name string, line int, l Limits)) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, path, "must be a mapping of name to limits")
		return
	}
	p.pairs(n, path, func(name string, k, v *yaml.Node) {
		if strings.TrimSpace(name) == "" {
			p.add(k.Line, path, "empty name")
			return
		}
		fn(name, k.Line, p.limits(v, join2(path, name, true)))
	})
}

// limits parses one mapping of max_window, total_outage and error_rate.
func (p *parser) limits(n *yaml.Node, path string) Limits {
	var l Limits
	if isNull(n) {
		return l
	}
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, path, "must be a mapping of "+strings.Join(limitFields, ", "))
		return l
	}
	p.pairs(n, path, func(key string, k, v *yaml.Node) {
		field := path + "." + key
		switch key {
		case "max_window":
			l.MaxWindow = p.duration(v, field)
		case "total_outage":
			l.TotalOutage = p.duration(v, field)
		case "error_rate":
			l.ErrorRate = p.rate(v, field)
		default:
			p.add(k.Line, field, "unknown field"+didYouMean(key, limitFields)+" (known: "+strings.Join(limitFields, ", ")+")")
		}
	})
	return l
}

// scalar is n's text as the user wrote it, for messages: strings quoted.
func scalar(n *yaml.Node) string {
	if n.Tag == "!!str" {
		return strconv.Quote(n.Value)
	}
	return n.Value
}

// number is n as a finite float64, when n is a YAML or JSON number.
func number(n *yaml.Node) (float64, bool) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		return 0, false
	}
	var f float64
	if err := n.Decode(&f); err != nil {
		return 0, false
	}
	return f, true
}

// maxMS is the longest duration in milliseconds that fits a time.Duration.
const maxMS = float64(math.MaxInt64 / int64(time.Millisecond))

// duration parses a Go duration string ("300ms") or a number of
// milliseconds (300, "300").
func (p *parser) duration(n *yaml.Node, field string) *time.Duration {
	const hint = " (use e.g. 300ms)"
	if n.Kind != yaml.ScalarNode {
		p.add(n.Line, field, "must be a duration"+hint)
		return nil
	}
	if isNull(n) {
		p.add(n.Line, field, "has no value"+hint)
		return nil
	}
	msv, isNum := number(n)
	if !isNum && n.Tag == "!!str" {
		if f, err := strconv.ParseFloat(strings.TrimSpace(n.Value), 64); err == nil {
			msv, isNum = f, true
		}
	}
	var d time.Duration
	switch {
	case isNum && !finite(msv):
		p.add(n.Line, field, scalar(n)+" is not a finite number of milliseconds")
		return nil
	case isNum && msv > maxMS:
		p.add(n.Line, field, scalar(n)+" milliseconds is too long")
		return nil
	case isNum:
		d = time.Duration(math.Round(msv * float64(time.Millisecond)))
	case n.Tag == "!!str":
		var err error
		d, err = time.ParseDuration(strings.TrimSpace(n.Value))
		if err != nil {
			p.add(n.Line, field, scalar(n)+" is not a duration"+hint)
			return nil
		}
	default:
		p.add(n.Line, field, scalar(n)+" is not a duration"+hint)
		return nil
	}
	if d < 0 || (isNum && msv < 0) {
		p.add(n.Line, field, scalar(n)+" is negative")
		return nil
	}
	return &d
}

// rate parses an error rate: a fraction 0..1 (0.05) or a percentage
// string ("5%").
func (p *parser) rate(n *yaml.Node, field string) *float64 {
	const hint = " (use a fraction of ops such as 0.05, or 5%)"
	if n.Kind != yaml.ScalarNode {
		p.add(n.Line, field, "must be an error rate"+hint)
		return nil
	}
	if isNull(n) {
		p.add(n.Line, field, "has no value"+hint)
		return nil
	}
	r, ok := number(n)
	if !ok && n.Tag == "!!str" {
		s := strings.TrimSpace(n.Value)
		if pct, isPct := strings.CutSuffix(s, "%"); isPct {
			if f, err := strconv.ParseFloat(strings.TrimSpace(pct), 64); err == nil {
				r, ok = f/100, true
			}
		} else if f, err := strconv.ParseFloat(s, 64); err == nil {
			r, ok = f, true
		}
	}
	switch {
	case !ok:
		p.add(n.Line, field, scalar(n)+" is not an error rate"+hint)
	case !finite(r):
		p.add(n.Line, field, scalar(n)+" is not a finite number"+hint)
	case r < 0:
		p.add(n.Line, field, scalar(n)+" is negative")
	case r > 1:
		p.add(n.Line, field, scalar(n)+" is above 1: error_rate is a fraction of ops (0.05 means 5%)")
	default:
		return &r
	}
	return nil
}
