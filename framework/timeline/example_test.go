package timeline_test

import (
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/timeline"
)

// A client reads every 5 ms; the driver is killed at 1000 ms and answers
// again from 1020 ms; a fault makes it stall at 2000 ms for 150 ms.
func Example() {
	const ms = int64(time.Millisecond)
	var ops []timeline.Op
	for at := int64(900); at < 2300; at += 5 {
		op := timeline.Op{Client: "c1", Class: "read", Start: at * ms, End: (at + 1) * ms, OK: true}
		switch {
		case at >= 1000 && at < 1020:
			op.OK, op.Err = false, "connection refused"
		case at >= 2000 && at < 2150:
			op.End = 2150 * ms // held until the stall ends
		}
		ops = append(ops, op)
	}
	events := []timeline.Event{
		{ID: "step-2", Kind: timeline.KindStep, Desc: "kill driver", Start: 998 * ms, End: 999 * ms, ExpectOutage: true},
		{ID: "fault-1", Kind: timeline.KindFault, Desc: "pause driver for 150ms", Start: 2000 * ms, End: 2150 * ms},
	}

	cfg := timeline.Config{LatencyBudget: 100 * time.Millisecond}
	ws := timeline.Outages(ops, events, cfg)
	for _, w := range ws {
		fmt.Printf("%s %s down %v, caused by %v: %v\n", w.Client, w.Class, w.Duration(), w.Causes, w.Reasons)
	}
	st := timeline.Summarize(ops, ws, cfg)
	fmt.Println("max outage", st.MaxWindow, "any client down", timeline.Total(timeline.AnyDown(ws)))
	// Output:
	// c1 read down 21ms, caused by [step-2]: [connection refused]
	// c1 read down 150ms, caused by [fault-1]: [slow: took up to 150.0ms > budget 100ms]
	// max outage 150ms any client down 171ms
}

// The time windows cover, overlaps counted once.
func ExampleUnion() {
	ms := func(v int64) int64 { return v * int64(time.Millisecond) }
	covered := timeline.Union([]timeline.Interval{
		{Start: ms(300), End: ms(400)},
		{Start: ms(100), End: ms(250)},
		{Start: ms(200), End: ms(300)},
	})
	fmt.Println(len(covered), "interval, total", timeline.Total(covered))
	// Output: 1 interval, total 300ms
}
