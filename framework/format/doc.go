// Package format writes the numbers hatest shows people: lengths of time
// in milliseconds, rates and counts. It is pure, and the one place these
// are formatted, so that a verdict, a gate table, the calibration table
// and a report page show one number the same way.
//
// Two registers, one for each kind of text:
//
//	in a sentence (check, timeline)   MS       a measured length   "max outage 410.1ms"
//	                                  ExactMS  a configured length "budget 2000ms"
//	                                  Percent  a configured share  "error rate ≤ 1%"
//	in a table or on a page           Millis   "12,345.6 ms"
//	(gate, calibrate, reports)        Duration "54.5 ms", "12.35 s", "3 m 12.4 s"
//	both                              Rate     a measured share    "0.012%", "1.2%"
//	                                  OpsRate  "1,000 ops/s";  Count "12,345";  Num, Grouped
//
// A value that is not a number (NaN, ±Inf) is None, "–", in every
// function that takes a measured value.
//
//	format.MS(410.14)       // "410.1ms"
//	format.ExactMS(2000)    // "2000ms"
//	format.Duration(192400) // "3 m 12.4 s"
//	format.Rate(0.00012)    // "0.012%"
//	format.Count(12345)     // "12,345"
//
// The examples in example_test.go show every function.
package format
