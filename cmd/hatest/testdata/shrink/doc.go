// Package shrink is a suite of one scenario whose seeded plan fails
// because of two of its items together: the upgrade to v2-lazy (which
// acknowledges writes up to a second before they reach its log) and a
// SIGKILL of the driver after it. Alone, neither loses a write: a kill of
// a sound build loses nothing, and the lazy build, never killed, keeps
// everything. The tests of cmd/hatest shrink its plan with hatest shrink
// (shrink_test.go), which must find that pair and nothing else. It lives
// under testdata so that ./... leaves it out.
//
//	hatest plan --seed 19 'lazy build killed' ./cmd/hatest/testdata/shrink
//	hatest shrink --runtime process --seed 19 'lazy build killed' ./cmd/hatest/testdata/shrink
//
// Seed 19 draws 16 steps in 8 items: v1 -> v2 -> v1 -> v2 -> v2-lazy,
// with a slicer during the first upgrade, a partition of the client link
// after the second, a SIGKILL of the driver after the third (on v2) and
// another after the upgrade to v2-lazy. The culprits are items 7 (the
// upgrade to v2-lazy) and 8 (the kill after it). Its plans may skip a
// version (SkipHops), so v1 -> v2-lazy is a plan of the scenario too.
package shrink
