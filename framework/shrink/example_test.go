package shrink_test

import (
	"context"
	"fmt"

	"github.com/hatest/hatest/framework/shrink"
)

// A plan of six items fails when the primary is killed (item 1) for
// 100 ms or more while the link to it is slow (item 4), from 50 ms of
// latency on. Reduce finds the two items, and lowers their knobs to near
// what is enough; Reproduce measures the minimal plan.
func Example() {
	items := []shrink.Item{
		{Name: "1: upgrade the secondary driver to v2"},
		{Name: "2: SIGKILL of the primary driver for 412ms", Knobs: []shrink.Knob{{Name: "hold_ms", Value: 412, Min: 10}}},
		{Name: "3: wait 800ms", Knobs: []shrink.Knob{{Name: "wait_ms", Value: 800}}},
		{Name: "4: switchover to the secondary", Needs: []int{0}},
		{Name: "5: latency 200ms on the driver link", Knobs: []shrink.Knob{{Name: "latency_ms", Value: 200, Min: 1}}},
		{Name: "6: upgrade the old primary to v2"},
	}
	run := func(_ context.Context, c shrink.Candidate) (shrink.Run, error) {
		// In hatest, the plan c describes runs for real: 5 to 15 s.
		return shrink.Run{Same: c.Keep[1] && c.Keep[4] && c.Values[1][0] >= 100 && c.Values[4][0] >= 50}, nil
	}
	cfg := shrink.Config{Items: items, Run: run, K: 3, R: 2}

	out, err := shrink.Reduce(context.Background(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, keep := range out.Best.Keep {
		if keep {
			fmt.Print("kept ", items[i].Name)
			for j, k := range items[i].Knobs {
				fmt.Printf(", %s %d -> %d", k.Name, k.Value, out.Best.Values[i][j])
			}
			fmt.Println()
		}
	}
	fmt.Printf("%d runs of %d candidates, %d skipped\n", out.Runs, out.Candidates, out.Skipped)
	rate, _, _ := shrink.Reproduce(context.Background(), cfg, out.Best, 3)
	fmt.Println("the minimal plan fails", rate)
	// Output:
	// kept 2: SIGKILL of the primary driver for 412ms, hold_ms 412 -> 102
	// kept 5: latency 200ms on the driver link, latency_ms 200 -> 54
	// 34 runs of 17 candidates, 5 skipped
	// the minimal plan fails 3 of 3
}
