package reports

import (
	"flag"
	"testing"
)

var sampleDir = flag.String("sample", "", "also write the sample run (index and reports) into this directory")

// TestWriteSample writes the sample run with WriteRun, into -sample when
// given: go test ./reports -run TestWriteSample -sample /tmp/hatest-report-sample
func TestWriteSample(t *testing.T) {
	if *sampleDir == "" {
		t.Skip("no -sample directory")
	}
	if err := WriteRun(*sampleDir, sampleRun()); err != nil {
		t.Fatal(err)
	}
	big := largeScenario()
	if err := WriteScenario(*sampleDir+"/large", big); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", *sampleDir)
}
