package reports

import (
	"bytes"
	"io"
	"testing"
)

// BenchmarkScenarioHTML renders a long, busy scenario (largeScenario: 16
// clients, 10,000 windows, 500 buckets) and reports the page size.
func BenchmarkScenarioHTML(b *testing.B) {
	s := largeScenario()
	var buf bytes.Buffer
	if err := ScenarioHTML(&buf, s); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
	b.ResetTimer()
	for b.Loop() {
		if err := ScenarioHTML(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndexHTML renders the index of 100 large scenarios.
func BenchmarkIndexHTML(b *testing.B) {
	s := largeScenario()
	r := sampleRun()
	for len(r.Scenarios) < 100 {
		c := *s
		r.Scenarios = append(r.Scenarios, c)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := IndexHTML(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
