// Package fault is the fault catalogue. A fault is injected by the runner,
// which records the time between injection and heal as a fault event on the
// timeline, so every outage window can be attributed to the fault active
// when it began.
//
//	s.Step(fault.For(fault.ProxyDown("driver"), 500*time.Millisecond))
package fault
