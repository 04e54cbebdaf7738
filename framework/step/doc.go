// Package step is the step protocol and its combinators. A step is one
// line of a scenario's plan: it has a description, it runs against the
// running system, and it says what it is in one Meta value (a fault or a
// step, whether it expects an outage, whether it only waits, what it acts
// on, and its children when it is a group). Packages upgrade and fault
// make steps; package plan numbers them; package runner runs them.
//
//	Sequence(a, b) ─┐
//	Concurrently(c, Sequence(Wait(d), e)) ─▶ Meta{Children: ...} ─▶ plan nodes 4, 4.1, 4.2, 4.2.1 ...
//
// See Example for a custom step.
package step
