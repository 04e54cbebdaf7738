// Package fault is the fault catalogue: process faults (Kill, Term, Stop,
// Pause, Restart, CrashLoop) and network faults on a proxy or link (Down,
// Latency, Bandwidth and every other toxiproxy toxic), each with its heal.
// For holds a fault for a while as a plan step; the runner records the
// time from injection to heal as a fault event on the timeline, with the
// parts the fault acts on as its targets, so every outage window of a
// client on that path can be attributed to it.
//
//	s.Step(fault.For(fault.Down("driver"), 500*time.Millisecond))
//
// See Example.
package fault
