package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

// JUnit writes junit.xml: one test suite, one test case per scenario in run
// order, so that CI systems show scenarios as tests. It is the only JUnit
// writer: WriteRun calls it for a plain run and for merged shards alike.
//
// A test case is named by the scenario's name alone, so that its history in
// CI survives a change of labels; its labels, status, slug and location
// are properties, with its outage statistics (max_window_ms,
// total_window_ms, windows, startup_ms, ops, error_rate, lost_writes, seed,
// replay). Its status attribute is the scenario's status
// (passed, failed, invalid), or "interrupted". A failed scenario has a
// <failure type="failed"> (type "interrupted" or "setup" when it was
// interrupted or could not start), counted in failures; an invalid one an
// <error type="invalid" message="INVALID: why">, counted in errors and
// never in failures: its numbers are no verdict on the system. Either
// carries the failed or invalid assertions and the replay command.
func JUnit(w io.Writer, r *result.Run) error {
	if r == nil {
		return fmt.Errorf("encode junit: %w", errNil)
	}
	suite := junitSuite{Name: "hatest", Tests: len(r.Scenarios)}
	if !r.StartedAt.IsZero() {
		suite.Timestamp = r.StartedAt.UTC().Format("2006-01-02T15:04:05")
	}
	for _, p := range []struct{ k, v string }{
		{"runtime", r.Runtime}, {"seed", fmt.Sprint(r.Seed)}, {"commit", r.Commit},
	} {
		if p.v != "" {
			suite.Properties = append(suite.Properties, junitProperty{Name: p.k, Value: p.v})
		}
	}
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		status := Status(s)
		secs := s.DurationMS / 1000
		suite.Time += secs
		tc := junitCase{Name: s.Scenario, Classname: "hatest." + or(s.Runtime, r.Runtime, "run"), Time: format.Num(secs, 3),
			Status: status}
		sm := s.Summary
		for _, p := range []struct{ k, v string }{
			{"status", status}, {"labels", strings.Join(s.Labels, ", ")}, {"slug", s.Slug}, {"location", s.Location},
			// the outage statistics, as the suite's Ginkgo report carried them
			{"max_window_ms", format.Num(sm.MaxWindowMS, 3)}, {"total_window_ms", format.Num(sm.TotalWindowMS, 3)}, {"total_outage_ms", format.Num(sm.TotalOutageMS, 3)},
			{"windows", fmt.Sprint(sm.Windows)}, {"startup_ms", format.Num(s.Startup.TotalMS, 3)}, {"ops", fmt.Sprint(sm.Ops)},
			{"error_rate", format.Num(sm.ErrorRate, 6)}, {"lost_writes", lostWrites(len(s.Integrity.Lost), s.Integrity.Checked)},
			{"seed", fmt.Sprint(s.Seed)}, {"replay", s.Replay},
		} {
			if p.v != "" {
				tc.Properties = append(tc.Properties, junitProperty{Name: p.k, Value: p.v})
			}
		}
		// the same figures per client group, when the scenario named groups
		for _, g := range s.Groups {
			pre := "group." + groupLabel(g.Name) + "."
			for _, p := range []struct{ k, v string }{
				{"max_window_ms", format.Num(g.MaxWindowMS, 3)}, {"p99_window_ms", format.Num(g.P99WindowMS, 3)},
				{"total_outage_ms", format.Num(g.TotalOutageMS, 3)}, {"windows", fmt.Sprint(g.Windows)},
				{"lost_writes", lostWrites(g.Integrity.Lost, g.Integrity.Checked)},
			} {
				tc.Properties = append(tc.Properties, junitProperty{Name: pre + p.k, Value: p.v})
			}
		}
		all := ""
		if len(s.Groups) > 1 {
			all = " (all clients)"
		}
		tc.SystemOut = fmt.Sprintf("%s · max outage%s %s, total %s, %d windows; %d ops, %d failed; seed %d\n",
			StatusWord(status), all, format.Millis(sm.MaxWindowMS, 1), format.Millis(sm.TotalOutageMS, 1), len(s.Windows), sm.Ops, sm.FailedOps, s.Seed)
		if len(s.Groups) > 1 {
			for _, g := range s.Groups {
				writes := fmt.Sprintf("%d lost writes", g.Integrity.Lost)
				if !g.Integrity.Checked {
					writes = "writes not checked"
				}
				tc.SystemOut += fmt.Sprintf("group %s: max outage %s, total %s, %d windows, %s\n",
					groupLabel(g.Name), format.Millis(g.MaxWindowMS, 1), format.Millis(g.TotalOutageMS, 1), g.Windows, writes)
			}
		}
		tc.SystemOut += "replay: " + s.Replay + "\n"
		switch status {
		case result.StatusInvalid:
			suite.Errors++
			why := "INVALID: " + InvalidWhy(s)
			tc.Error = &junitProblem{Message: why, Type: "invalid", Text: problemText(s)}
		case result.StatusFailed:
			suite.Failures++
			msg, typ := s.Failure, "failed"
			if msg == "" {
				msg = "scenario failed"
			}
			switch {
			case s.Interrupted:
				tc.Status, typ = "interrupted", "interrupted"
			case s.SetupError != "":
				typ = "setup"
			}
			tc.Failure = &junitProblem{Message: msg, Type: typ, Text: problemText(s)}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	doc := junitSuites{Name: "hatest", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors,
		Time: format.Num(suite.Time, 3), Suites: []junitSuite{suite}}
	doc.Suites[0].TimeS = format.Num(suite.Time, 3)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	return nil
}

// problemText is the body of a failure or error (its message attribute
// has the headline): the assertions that did not pass, where the scenario
// is declared and the replay command.
func problemText(s *result.Scenario) string {
	var b strings.Builder
	if s.SetupError != "" {
		fmt.Fprintf(&b, "setup: %s\n", s.SetupError)
	}
	for _, a := range s.Assertions {
		switch assertionStatus(a) {
		case result.StatusInvalid:
			fmt.Fprintf(&b, "INVALID %s: %s\n", a.Name, a.Message)
		case result.StatusFailed:
			fmt.Fprintf(&b, "%s: %s\n", a.Name, a.Message)
		}
	}
	if s.Location != "" {
		fmt.Fprintf(&b, "scenario: %s\n", s.Location)
	}
	fmt.Fprintf(&b, "replay: %s\n", s.Replay)
	return b.String()
}

func or(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Time       float64         `xml:"-"`
	TimeS      string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Time       string          `xml:"time,attr"`
	Status     string          `xml:"status,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitProblem   `xml:"failure,omitempty"`
	Error      *junitProblem   `xml:"error,omitempty"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

// junitProblem is a <failure> or an <error>.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// lostWrites is the lost_writes property: the count, or "unchecked" when
// the read-back did not run or did not finish, since 0 would be a claim.
func lostWrites(n int, checked bool) string {
	if !checked {
		return "unchecked"
	}
	return fmt.Sprint(n)
}
