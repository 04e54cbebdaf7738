package scenarios_test

import (
	"regexp"
	"testing"

	"github.com/hatest/hatest/internal/negative"
)

// NegativeControls names, for every negative control, the reason its
// failure must give. The test below runs them through the hatest CLI, as a
// release gate would, and checks that each one failed for that reason.
var NegativeControls = map[string]*regexp.Regexp{
	"negative: crash build is rolled back":                                   regexp.MustCompile(`rolled back to v1`),
	"negative: incompatible protocol v3 refuses v1 clients":                  regexp.MustCompile(`incompatible protocol`),
	"negative: amnesia build loses acknowledged writes":                      regexp.MustCompile(`\d+ of \d+ acknowledged writes lost`),
	"negative: slow-start build is over budget":                              regexp.MustCompile(`max outage [\d.]+ms > budget 2000ms`),
	"negative: naive client never recovers":                                  regexp.MustCompile(`never ended`),
	"negative: rogue secondary causes split brain":                           regexp.MustCompile(`split brain`),
	"negative: upgrade cannot read what the old version wrote for some keys": regexp.MustCompile(`round 2 \(after the upgrade to v2-strictlog\): \d+ of \d+ keys read back wrong: \S+ written "" under v1 at -?[\d.]+ms, missing under v2-strictlog`),
	"negative: roll back misreads what the new version wrote":                regexp.MustCompile(`round 3 \(after the roll back to v1\): \d+ of \d+ keys read back wrong: \S+ written .* under v2-newlog at -?[\d.]+ms, read .* under v1`),
	"negative: mixed-version replication corrupts entries":                   regexp.MustCompile(`member \S+ \(v2-wire\) holds \d+ of \d+ acknowledged writes wrong or not at all`),
	"negative: new op replicated to an old secondary crashes it":             regexp.MustCompile(`unexpected exits?: .*died: exit status 4; last log: .*unknown entry op "incr" from primary v2-enum`),
	"negative: renamed flag refuses the old configuration":                   regexp.MustCompile(`\d+ unexpected exits?: .*v2-flag failed to start .*flag provided but not defined: -data`),
	"negative: changed durability default loses writes on a crash":           regexp.MustCompile(`\d+ of \d+ acknowledged writes lost: client \S+ key \S+ seq \d+ acknowledged by v2-lazy`),
}

func TestNegativeControls(t *testing.T) {
	negative.Check(t, "../cmd/hatest", NegativeControls)
}
