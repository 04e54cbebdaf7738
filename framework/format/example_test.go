package format_test

import (
	"fmt"
	"math"

	"github.com/hatest/hatest/framework/format"
)

// In a sentence: a verdict's measured value against its configured budget.
func ExampleMS() {
	fmt.Printf("max outage %s > budget %s\n", format.MS(2104.53), format.ExactMS(2000))
	fmt.Printf("error rate %s > %s\n", format.Rate(0.0123), format.Percent(0.01))
	// Output:
	// max outage 2104.5ms > budget 2000ms
	// error rate 1.23% > 1%
}

// In a table or on a page.
func ExampleDuration() {
	for _, ms := range []float64{0.456, 54.54, 1250, 192_400, 3_725_000, math.NaN()} {
		fmt.Println(format.Duration(ms))
	}
	// Output:
	// 0.46 ms
	// 54.5 ms
	// 1.25 s
	// 3 m 12.4 s
	// 1 h 02 m
	// –
}

func ExampleMillis() {
	fmt.Println(format.Millis(12345.6789, 1), "|", format.Millis(12345.6789, 3))
	// Output: 12,345.7 ms | 12,345.679 ms
}

func ExampleRate() {
	for _, r := range []float64{0, 0.000001, 0.00012, 0.012, 0.25} {
		fmt.Println(format.Rate(r))
	}
	// Output:
	// 0%
	// <0.001%
	// 0.012%
	// 1.2%
	// 25%
}

func ExampleCount() {
	fmt.Println(format.Count(1234567), "ops at", format.OpsRate(1999.95))
	// Output: 1,234,567 ops at 2,000 ops/s
}
