// Package negative runs a suite's negative controls through the hatest
// CLI, as a release gate would, and checks that each one failed, for the
// reason it must give. A negative control is a scenario that runs a bug
// on purpose; one that passes is a bug in hatest.
//
//	var controls = map[string]*regexp.Regexp{
//		"negative: amnesia build loses acknowledged writes": regexp.MustCompile(`acknowledged writes lost`),
//	}
//
//	func TestNegativeControls(t *testing.T) {
//		negative.Check(t, "../cmd/hatest", controls) // from the suite's own directory
//	}
//
// Example, in example_test.go, is this in full.
package negative
