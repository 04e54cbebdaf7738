package runner_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hatest/hatest/framework/analysis"
	"github.com/hatest/hatest/framework/plan"
	"github.com/hatest/hatest/framework/runner"
	"github.com/hatest/hatest/framework/runtime/process"
	"github.com/hatest/hatest/framework/upgrade"
)

// A plan runs without Ginkgo: start the topology, run the steps, collect
// what was recorded, analyse it. (Compiled, not run: it starts processes.)
func Example() {
	ctx := context.Background()
	p := plan.Build(plan.Declare("upgrade", nil, 1, func(s *plan.S) {
		s.Clients(2, s.Overlord("driver", "v1"))
		s.Step(upgrade.ViaOverlord("driver", "v1", "v2"))
	}))
	rt, err := process.New(ctx)
	if rt != nil {
		defer rt.Close(ctx)
	}
	if err != nil {
		return
	}
	r := runner.New(p, rt, time.Now(), nil, os.Stderr)
	if err := r.Start(ctx); err == nil {
		_ = r.Steps(ctx)
	}
	rec, _ := r.Collect(ctx)
	res := analysis.Analyze(rec)
	fmt.Println(res.Summary.MaxWindowMS)
}
