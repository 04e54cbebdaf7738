package check

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/hatest/hatest/framework/result"
)

// Outcome is the verdict of one rule on one scenario.
type Outcome int

// The three outcomes. Invalid means the rule could not judge: the numbers
// it would judge cannot be vouched for (the probe fell behind, an op log
// is incomplete, nothing was measured). It is neither a pass nor a
// failure of the system, and a gate must not pass on it.
const (
	Pass Outcome = iota
	Fail
	Invalid
)

// String is the outcome as a result status: "passed", "failed" or
// "invalid".
func (o Outcome) String() string {
	switch o {
	case Pass:
		return result.StatusPassed
	case Fail:
		return result.StatusFailed
	case Invalid:
		return result.StatusInvalid
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Rule is one verdict on a scenario's result: a name and a pure judge.
// Every check of this package is a Rule, and so are the budgets of a
// budgets file (gate.Budgets.Rules); a custom verdict is one too:
//
//	check.Rule{Name: "writers stay under 200ms", Judge: func(s *result.Scenario) (check.Outcome, string) {
//		...
//		return check.Fail, "client w3 write window at 1204.5ms for 310.0ms"
//	}}
//
// A Rule is a Gomega matcher. Match records the verdict as a
// result.Assertion in the scenario (Passed for Pass, Invalid for
// Invalid), so the reports list every verdict; it returns true only for
// Pass, and for Invalid it returns false with an *InvalidError, so that
// neither To nor NotTo can pass on numbers that cannot be trusted.
// FailureMessage recomputes the verdict: a Rule holds no state and may be
// shared. Judge must not modify the scenario.
type Rule struct {
	Name  string
	Judge func(s *result.Scenario) (Outcome, string)
	// named, when set, gives the name instead of Name, as late as it is
	// asked for: a rule on a step handle is named by the step's number in
	// the plan, which is known only once the plan is built.
	named func() string
}

// String is the rule's name.
func (r Rule) String() string {
	if r.named != nil {
		return r.named()
	}
	return r.Name
}

// Verdict judges s. A rule without a judge is Invalid.
func (r Rule) Verdict(s *result.Scenario) (Outcome, string) {
	if r.Judge == nil {
		return Invalid, "rule " + r.String() + " has no judge"
	}
	return r.Judge(s)
}

// InvalidError is the error of Match for a rule whose verdict is Invalid.
type InvalidError struct {
	Rule    string
	Message string
}

func (e *InvalidError) Error() string { return "invalid: " + e.Message }

// Match judges the scenario (a *result.Scenario or a Resulter) and
// appends the verdict to its Assertions.
func (r Rule) Match(actual any) (bool, error) {
	s, err := scenarioOf(actual)
	if err != nil {
		return false, fmt.Errorf("%s: %w", r, err)
	}
	o, msg := r.Verdict(s)
	s.Assertions = append(s.Assertions, result.Assertion{Name: r.String(), Passed: o == Pass, Invalid: o == Invalid, Message: msg})
	if o == Invalid {
		return false, &InvalidError{Rule: r.String(), Message: msg}
	}
	return o == Pass, nil
}

// FailureMessage is the verdict's message.
func (r Rule) FailureMessage(actual any) string {
	s, err := scenarioOf(actual)
	if err != nil {
		return fmt.Sprintf("%s: %v", r, err)
	}
	_, msg := r.Verdict(s)
	return msg
}

// NegatedFailureMessage says the rule passed where a failure was expected.
func (r Rule) NegatedFailureMessage(actual any) string {
	s, err := scenarioOf(actual)
	if err != nil {
		return fmt.Sprintf("%s: %v", r, err)
	}
	_, msg := r.Verdict(s)
	return fmt.Sprintf("expected %q to fail, but: %s", r.String(), msg)
}

// Evaluate runs every matcher on s, so that every verdict is recorded in
// s.Assertions, and returns the messages of those that did not pass
// joined, or nil when all passed. A Rule records its own assertion; a
// matcher of another package that records nothing gets one here, Invalid
// when its error is an *InvalidError (a Rule inside gomega.And, say). The
// message of an invalid verdict starts "invalid: ".
func Evaluate(s *result.Scenario, ms ...types.GomegaMatcher) error {
	if s == nil {
		return fmt.Errorf("evaluate: %w: got nil", ErrNoScenario)
	}
	var errs []error
	for _, m := range ms {
		before := len(s.Assertions)
		ok, err := m.Match(s)
		msg := "passed"
		var inv *InvalidError
		invalid := errors.As(err, &inv)
		switch {
		case invalid:
			msg = inv.Message
		case err != nil:
			msg = err.Error()
		case !ok:
			msg = m.FailureMessage(s)
		}
		passed := ok && err == nil
		// One assertion per expectation, with its own verdict: a bare Rule
		// recorded it already; a wrapper (gomega.Not, Or, And) or another
		// package's matcher gets one here, in place of whatever the rules
		// inside it recorded (Not(rule) passes when the rule fails).
		if _, bare := m.(Rule); !bare || len(s.Assertions) != before+1 {
			name := nameOf(m)
			var inner []string
			for _, a := range s.Assertions[before:] {
				inner = append(inner, a.Name)
			}
			if len(inner) > 0 {
				name = wrapperName(m) + "(" + strings.Join(inner, ", ") + ")"
			}
			s.Assertions = append(s.Assertions[:before], result.Assertion{Name: name, Passed: passed, Invalid: invalid, Message: msg})
		}
		switch {
		case invalid:
			errs = append(errs, errors.New("invalid: "+msg))
		case !passed:
			errs = append(errs, errors.New(msg))
		}
	}
	return errors.Join(errs...)
}

// Status is the one rule for a scenario's status (result.StatusPassed,
// StatusFailed or StatusInvalid), from its assertions and whether anything
// else failed (a step, the setup, the collection of the op logs):
//
//   - anything else failed: failed;
//   - else any assertion is invalid: invalid (the numbers cannot be
//     trusted, so no failed assertion among them is a verdict either);
//   - else any assertion failed: failed;
//   - else passed.
func Status(assertions []result.Assertion, otherFailures bool) string {
	if otherFailures {
		return result.StatusFailed
	}
	failed := false
	for _, a := range assertions {
		if a.Invalid {
			return result.StatusInvalid
		}
		if !a.Passed {
			failed = true
		}
	}
	if failed {
		return result.StatusFailed
	}
	return result.StatusPassed
}

// Invalidity says why a scenario is invalid, for result.Scenario.Invalid:
// the messages of its invalid assertions, each once, joined by "; ".
// Empty when none is invalid.
func Invalidity(assertions []result.Assertion) string {
	var parts []string
	for _, a := range assertions {
		if a.Invalid && !slices.Contains(parts, a.Message) {
			parts = append(parts, a.Message)
		}
	}
	return strings.Join(parts, "; ")
}

// wrapperName is a wrapping matcher's kind in lower case: "not", "or".
func wrapperName(m types.GomegaMatcher) string {
	t := reflect.TypeOf(m)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return strings.ToLower(strings.TrimSuffix(t.Name(), "Matcher"))
}

func nameOf(m types.GomegaMatcher) string {
	if s, ok := m.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", m)
}
