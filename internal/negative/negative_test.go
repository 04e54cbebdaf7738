package negative

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/result"
)

// Every way a negative run can be wrong is named; a right one is silent.
func TestJudge(t *testing.T) {
	controls := map[string]*regexp.Regexp{"negative: a": regexp.MustCompile(`lost`)}
	for _, tt := range []struct {
		name string
		ran  []result.Scenario
		want string // a prefix of the one message; "" for none
	}{
		{"failed for its reason", []result.Scenario{{Scenario: "negative: a", Status: result.StatusFailed, Failure: "2 writes lost"}}, ""},
		{"did not run", nil, "negative: a: did not run"},
		{"passed", []result.Scenario{{Scenario: "negative: a", Status: "passed", Passed: true}}, "negative: a: PASSED"},
		{"invalid", []result.Scenario{{Scenario: "negative: a", Status: result.StatusInvalid, Failure: "INVALID: lost"}}, "negative: a: invalid, not FAILED"},
		{"wrong reason", []result.Scenario{{Scenario: "negative: a", Status: result.StatusFailed, Failure: "over budget"}}, "negative: a: failed, but not for the right reason"},
		{"unknown", []result.Scenario{{Scenario: "negative: a", Status: result.StatusFailed, Failure: "lost"}, {Scenario: "negative: b", Status: result.StatusFailed}}, "negative: b: ran as a negative control"},
	} {
		got := Judge(tt.ran, controls)
		switch {
		case tt.want == "" && len(got) != 0:
			t.Errorf("%s: %q, want nothing", tt.name, got)
		case tt.want != "" && (len(got) != 1 || !slices.ContainsFunc(got, func(m string) bool { return strings.HasPrefix(m, tt.want) })):
			t.Errorf("%s: %q, want one message starting %q", tt.name, got, tt.want)
		}
	}
}
