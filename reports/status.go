package reports

import (
	"strings"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

// Status is a scenario's outcome: result.StatusPassed, StatusFailed or
// StatusInvalid. A result written before hatest had a third outcome has no
// status; it is derived from passed. An unknown status word is read the
// same way, so that a newer writer's outcome is never shown as a pass it
// did not claim.
func Status(s *result.Scenario) string {
	switch s.Status {
	case result.StatusPassed, result.StatusFailed, result.StatusInvalid:
		return s.Status
	}
	if s.Passed {
		return result.StatusPassed
	}
	return result.StatusFailed
}

// statusRank orders scenarios for the index: failed, then invalid, then
// passed. A failure is a verdict against the system and comes first; an
// invalid run says nothing either way and must be run again.
func statusRank(status string) int {
	switch status {
	case result.StatusFailed:
		return 0
	case result.StatusInvalid:
		return 1
	}
	return 2
}

// StatusWord is the status as hatest shows it: PASS, FAIL or INVALID.
func StatusWord(status string) string {
	switch status {
	case result.StatusPassed:
		return "PASS"
	case result.StatusInvalid:
		return "INVALID"
	}
	return "FAIL"
}

// statusClass is the CSS class of a status: pass, fail or invalid.
func statusClass(status string) string {
	switch status {
	case result.StatusPassed:
		return "pass"
	case result.StatusInvalid:
		return "invalid"
	}
	return "fail"
}

// InvalidWhy says why an invalid scenario's numbers cannot be vouched for:
// its Invalid, else its invalid assertions, else the first line of its
// failure.
func InvalidWhy(s *result.Scenario) string {
	if s.Invalid != "" {
		return s.Invalid
	}
	var why []string
	for _, a := range s.Assertions {
		if a.Invalid {
			why = append(why, a.Name+": "+a.Message)
		}
	}
	if len(why) > 0 {
		return strings.Join(why, "; ")
	}
	if first, _, _ := strings.Cut(s.Failure, "\n"); first != "" {
		return strings.TrimPrefix(first, "INVALID: ")
	}
	return "no reason was recorded"
}

// assertionStatus is one assertion's outcome.
func assertionStatus(a result.Assertion) string {
	switch {
	case a.Invalid:
		return result.StatusInvalid
	case a.Passed:
		return result.StatusPassed
	}
	return result.StatusFailed
}

// GroupOutages is the worst window of each client group, on one line
// ("all 22.0ms, e1-only 2082.6ms"), or "" when the scenario has fewer
// than two groups: the all-clients maximum is then the group's own. A
// headline that gives only the maximum over every client mixes a client
// of one member with those of the whole cluster.
func GroupOutages(s *result.Scenario) string {
	if len(s.Groups) < 2 {
		return ""
	}
	parts := make([]string, len(s.Groups))
	for i, g := range s.Groups {
		parts[i] = groupLabel(g.Name) + " " + format.MS(g.MaxWindowMS)
	}
	return strings.Join(parts, ", ")
}
