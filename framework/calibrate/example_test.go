package calibrate_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hatest/hatest/framework/calibrate"
	"github.com/hatest/hatest/framework/runtime/process"
)

// A calibration on local processes, hatest probing every millisecond.
func Example() {
	ctx := context.Background()
	rt, err := process.New(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close(context.Background())
	rep, err := calibrate.Run(ctx, rt, calibrate.Config{Interval: time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	calibrate.Table(os.Stdout, rep) // ends with the verdict; rep.Pass says it too
}

// Each row's verdict against the target for a 5 ms probe interval.
func ExampleJudge() {
	target := calibrate.Target(5 * time.Millisecond)
	rows := []calibrate.Row{
		{Hatest: calibrate.Measure{ErrorMS: 2.6, Windows: 1}},                    // within the target
		{Hatest: calibrate.Measure{ErrorMS: 40, Windows: 1}, BacklogMS: 38},      // longer by what the driver served late
		{Hatest: calibrate.Measure{ErrorMS: 12, Windows: 1}, LagMS: 6},           // the probe itself fell behind
		{Hatest: calibrate.Measure{ErrorMS: 25, Windows: 1}},                     // unexplained
		{Hatest: calibrate.Measure{ErrorMS: -200, Windows: 0}, UncertaintyMS: 1}, // no window at all
	}
	fmt.Printf("target %.0f ms\n", target)
	for _, r := range rows {
		fmt.Println(calibrate.Judge(r, target))
	}
	// Output:
	// target 7 ms
	// ok
	// backlog
	// INVALID
	// MISS
	// MISS
}
