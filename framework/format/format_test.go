package format

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"num", Num(2.50, 2), "2.5"},
		{"num whole", Num(300.004, 2), "300"},
		{"num negative zero", Num(-0.001, 1), "0"},
		{"num rounds", Num(0.456, 2), "0.46"},
		{"num nan", Num(nan, 1), None},
		{"num inf", Num(inf, 1), None},

		{"grouped short", Grouped("999"), "999"},
		{"grouped", Grouped("12345.678"), "12,345.678"},
		{"grouped millions", Grouped("1234567"), "1,234,567"},
		{"grouped negative", Grouped("-1234.5"), "-1,234.5"},
		{"count", Count(12345), "12,345"},
		{"count int64", Count(int64(-1000)), "-1,000"},
		{"count uint64", Count(uint64(math.MaxUint64)), "18,446,744,073,709,551,615"},

		{"ms", MS(410.14), "410.1ms"},
		{"ms whole", MS(2100), "2100.0ms"},
		{"ms rounds", MS(99.96), "100.0ms"},
		{"ms not grouped", MS(12345.6), "12345.6ms"},
		{"ms nan", MS(nan), None},
		{"exact ms", ExactMS(2000), "2000ms"},
		{"exact ms fraction", ExactMS(2.5), "2.5ms"},
		{"exact ms keeps every digit", ExactMS(0.125), "0.125ms"},
		{"exact ms large", ExactMS(1e6), "1000000ms"},

		{"millis", Millis(12345.6, 1), "12,345.6 ms"},
		{"millis exact", Millis(12345.6789, 3), "12,345.679 ms"},
		{"millis whole", Millis(5, 1), "5 ms"},
		{"millis nan", Millis(nan, 1), None},

		{"sub-10 ms", Duration(0.456), "0.46 ms"},
		{"ms", Duration(54.54), "54.5 ms"},
		{"ms whole", Duration(300), "300 ms"},
		{"seconds", Duration(1250), "1.25 s"},
		{"whole seconds", Duration(2000), "2 s"},
		{"minutes", Duration(192_400), "3 m 12.4 s"},
		{"hours", Duration(3_725_000), "1 h 02 m"},
		{"negative", Duration(-54.54), "-54.5 ms"},
		{"no duration", Duration(nan), None},
		{"zero duration", Duration(0), "0 ms"},
		{"one second", Duration(1000), "1 s"},
		{"seconds rounded", Duration(12345), "12.35 s"},
		{"millis large", Millis(1234567.89, 1), "1,234,567.9 ms"},
		{"millis negative", Millis(-1234.5, 1), "-1,234.5 ms"},
		{"millis exact whole", Millis(8002.0001, 3), "8,002 ms"},
		{"millis exact", Millis(999.1234, 3), "999.123 ms"},
		{"count negative", Count(-1), "-1"},
		{"count short", Count(999), "999"},
		{"num tiny negative", Num(-0.00001, 3), "0"},

		{"zero rate", Rate(0), "0%"},
		{"tiny rate", Rate(0.000001), "<0.001%"},
		{"smallest shown rate", Rate(0.00001), "0.001%"},
		{"small rate", Rate(0.00012), "0.012%"},
		{"rate", Rate(0.012), "1.2%"},
		{"whole rate", Rate(0.05), "5%"},
		{"rate of all", Rate(1), "100%"},
		{"no rate", Rate(nan), None},

		{"percent", Percent(0.01), "1%"},
		{"percent without float noise", Percent(0.07), "7%"},
		{"percent fraction", Percent(0.0025), "0.25%"},
		{"percent four digits", Percent(0.123456), "12.35%"},

		{"ops rate", OpsRate(1000), "1,000 ops/s"},
		{"ops rate decimal", OpsRate(499.24), "499.2 ops/s"},
		{"slow ops rate", OpsRate(2.254), "2.25 ops/s"},
		{"no ops rate", OpsRate(nan), None},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
