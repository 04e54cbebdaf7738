package scenario

import (
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2"
	gtypes "github.com/onsi/ginkgo/v2/types"
)

// It declares a scenario as one Ginkgo spec. args are Ginkgo decorators
// (Label, SpecTimeout, ...) and exactly one func(*S), the body.
func It(name string, args ...any) bool {
	var body func(*S)
	var deco []any
	var labels []string
	hasTimeout := false
	for _, a := range args {
		switch v := a.(type) {
		case func(*S):
			body = v
		case ginkgo.Labels:
			labels = append(labels, v...)
			deco = append(deco, v)
		case ginkgo.SpecTimeout:
			hasTimeout = true
			deco = append(deco, v)
		default:
			deco = append(deco, v)
		}
	}
	if body == nil {
		panic(fmt.Sprintf("scenario %q has no body: pass a func(*scenario.S)", name))
	}
	if !selected(name) {
		return false
	}
	if !hasTimeout {
		deco = append(deco, ginkgo.SpecTimeout(10*time.Minute))
	}
	register(name)
	// The spec's location is the caller's line: the user's scenario file,
	// not this package; failure messages name it too.
	loc := gtypes.NewCodeLocation(1)
	where := fmt.Sprintf("%s:%d", loc.FileName, loc.LineNumber)
	deco = append(deco, ginkgo.Offset(1), func(ctx ginkgo.SpecContext) { run(ctx, name, where, labels, body) })
	return ginkgo.It(name, deco...)
}
