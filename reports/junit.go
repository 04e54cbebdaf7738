package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/hatest/hatest/framework/result"
)

// JUnit writes junit.xml: one test suite, one test case per scenario, so
// that CI systems show scenarios as tests. A failed scenario's failure
// carries its failed assertions and the replay command.
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
		secs := s.DurationMS / 1000
		suite.Time += secs
		tc := junitCase{Name: s.Scenario, Classname: "hatest." + or(s.Runtime, r.Runtime, "run"), Time: num(secs, 3)}
		sm := s.Summary
		tc.SystemOut = fmt.Sprintf("max outage %s, total %s, %d windows; %d ops, %d failed; seed %d\nreplay: %s\n",
			fmtMS(sm.MaxWindowMS), fmtMS(sm.TotalWindowMS), len(s.Windows), sm.Ops, sm.FailedOps, s.Seed, s.Replay)
		if !s.Passed {
			suite.Failures++
			var body strings.Builder
			for _, a := range s.Assertions {
				if !a.Passed {
					fmt.Fprintf(&body, "%s: %s\n", a.Name, a.Message)
				}
			}
			fmt.Fprintf(&body, "replay: %s\n", s.Replay)
			msg := s.Failure
			if msg == "" {
				msg = "scenario failed"
			}
			tc.Failure = &junitFailure{Message: msg, Type: "hatest", Text: body.String()}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	doc := junitSuites{Name: "hatest", Tests: suite.Tests, Failures: suite.Failures, Time: num(suite.Time, 3),
		Suites: []junitSuite{suite}}
	doc.Suites[0].TimeS = num(suite.Time, 3)
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
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}
