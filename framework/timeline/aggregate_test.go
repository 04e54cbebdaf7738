package timeline

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func w(client string, start, end float64) Window {
	return Window{Client: client, Class: "read", Start: nsOf(start), End: nsOf(end)}
}

func iv(start, end float64) Interval { return Interval{nsOf(start), nsOf(end)} }

func TestAnyDownAllDown(t *testing.T) {
	tests := []struct {
		name    string
		ws      []Window
		clients []string
		any     []Interval
		all     []Interval
	}{
		{name: "nothing", clients: []string{"c1"}},
		{
			name:    "one client",
			ws:      []Window{w("c1", 10, 20), w("c1", 30, 40)},
			clients: []string{"c1"},
			any:     []Interval{iv(10, 20), iv(30, 40)},
			all:     []Interval{iv(10, 20), iv(30, 40)},
		},
		{
			name:    "overlapping clients",
			ws:      []Window{w("c1", 10, 30), w("c2", 20, 40), w("c3", 100, 110)},
			clients: []string{"c1", "c2"},
			any:     []Interval{iv(10, 40), iv(100, 110)},
			all:     []Interval{iv(20, 30)},
		},
		{
			name:    "a client that never went down keeps all-down empty",
			ws:      []Window{w("c1", 10, 30), w("c2", 20, 40)},
			clients: []string{"c1", "c2", "c3"},
			any:     []Interval{iv(10, 40)},
		},
		{
			name: "classes of one client union before intersecting",
			ws: []Window{
				w("c1", 10, 20), {Client: "c1", Class: "write", Start: nsOf(20), End: nsOf(30)},
				w("c2", 15, 25),
			},
			clients: []string{"c1", "c2"},
			any:     []Interval{iv(10, 30)},
			all:     []Interval{iv(15, 25)},
		},
		{
			name:    "touching windows merge; empty ones vanish",
			ws:      []Window{w("c1", 10, 20), w("c2", 20, 30), w("c3", 50, 50)},
			clients: []string{"c1", "c2"},
			any:     []Interval{iv(10, 30)},
		},
		{
			name:    "no clients listed",
			ws:      []Window{w("c1", 10, 20)},
			clients: nil,
			any:     []Interval{iv(10, 20)},
		},
		{
			name:    "windows of unlisted clients do not count",
			ws:      []Window{w("c1", 10, 20), w("c9", 0, 100)},
			clients: []string{"c1"},
			any:     []Interval{iv(0, 100)},
			all:     []Interval{iv(10, 20)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AnyDown(tt.ws); !reflect.DeepEqual(got, tt.any) {
				t.Errorf("AnyDown = %v, want %v", got, tt.any)
			}
			if got := AllDown(tt.ws, tt.clients); !reflect.DeepEqual(got, tt.all) {
				t.Errorf("AllDown = %v, want %v", got, tt.all)
			}
		})
	}
}

func TestUnion(t *testing.T) {
	tests := []struct {
		name string
		in   []Interval
		want []Interval
	}{
		{"none", nil, nil},
		{"one", []Interval{iv(10, 20)}, []Interval{iv(10, 20)}},
		{"disjoint, out of order", []Interval{iv(30, 40), iv(10, 20)}, []Interval{iv(10, 20), iv(30, 40)}},
		{"overlapping", []Interval{iv(10, 20), iv(15, 30)}, []Interval{iv(10, 30)}},
		{"touching merge", []Interval{iv(10, 20), iv(20, 30)}, []Interval{iv(10, 30)}},
		{"contained", []Interval{iv(10, 40), iv(15, 20), iv(25, 30)}, []Interval{iv(10, 40)}},
		{"empty dropped", []Interval{iv(10, 10), iv(30, 20), iv(40, 50)}, []Interval{iv(40, 50)}},
		{"chain", []Interval{iv(25, 35), iv(10, 20), iv(18, 26)}, []Interval{iv(10, 35)}},
	}
	for _, tt := range tests {
		in := append([]Interval(nil), tt.in...)
		if got := Union(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Union = %v, want %v", tt.name, got, tt.want)
		}
		if !reflect.DeepEqual(in, tt.in) {
			t.Errorf("%s: Union modified its argument: %v, was %v", tt.name, tt.in, in)
		}
	}
}

func TestTotal(t *testing.T) {
	if got := Total([]Interval{iv(10, 20), iv(30, 45)}); got != 25*time.Millisecond {
		t.Errorf("Total = %v, want 25ms", got)
	}
	if got := Total(nil); got != 0 {
		t.Errorf("Total(nil) = %v", got)
	}
}

// TestAnyAllDownAgainstSampling compares AnyDown and AllDown with a brute
// force check at every nanosecond of small random window sets.
func TestAnyAllDownAgainstSampling(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	clients := []string{"a", "b", "c"}
	for range 500 {
		var ws []Window
		for range r.IntN(8) {
			s := r.Int64N(100)
			ws = append(ws, Window{Client: clients[r.IntN(3)], Start: s, End: s + r.Int64N(30)})
		}
		anyIv, allIv := AnyDown(ws), AllDown(ws, clients)
		in := func(ivs []Interval, t int64) bool {
			for _, x := range ivs {
				if t >= x.Start && t < x.End {
					return true
				}
			}
			return false
		}
		for tt := int64(0); tt < 140; tt++ {
			down := map[string]bool{}
			for _, w := range ws {
				if tt >= w.Start && tt < w.End {
					down[w.Client] = true
				}
			}
			if in(anyIv, tt) != (len(down) > 0) {
				t.Fatalf("AnyDown(%v) = %v wrong at %d", ws, anyIv, tt)
			}
			if in(allIv, tt) != (len(down) == 3) {
				t.Fatalf("AllDown(%v) = %v wrong at %d", ws, allIv, tt)
			}
		}
	}
}
