package timeline

import (
	"cmp"
	"slices"
	"time"
)

// Interval is a half-open span of time [Start, End) in Unix nanoseconds.
type Interval struct {
	Start, End int64
}

// AnyDown is the time at least one client was inside an outage window of
// any class: the union of all windows, as sorted disjoint intervals.
func AnyDown(ws []Window) []Interval {
	ivs := make([]Interval, 0, len(ws))
	for _, w := range ws {
		ivs = append(ivs, Interval{w.Start, w.End})
	}
	return Union(ivs)
}

// AllDown is the time every one of clients was inside an outage window (of
// any class) at once, as sorted disjoint intervals. It is empty when
// clients is empty or any of them had no window.
func AllDown(ws []Window, clients []string) []Interval {
	if len(clients) == 0 {
		return nil
	}
	per := make(map[string][]Interval, len(clients))
	for _, c := range clients {
		per[c] = nil
	}
	for _, w := range ws {
		if _, ok := per[w.Client]; ok {
			per[w.Client] = append(per[w.Client], Interval{w.Start, w.End})
		}
	}
	var acc []Interval
	for i, c := range clients {
		u := Union(per[c])
		if i == 0 {
			acc = u
		} else {
			acc = intersect(acc, u)
		}
		if len(acc) == 0 {
			return nil
		}
	}
	return acc
}

// Total is the summed length of ivs. For the output of AnyDown or AllDown
// (disjoint) it is the time covered.
func Total(ivs []Interval) time.Duration {
	var t int64
	for _, iv := range ivs {
		t += iv.End - iv.Start
	}
	return time.Duration(t)
}

// Union is the time ivs cover, as sorted disjoint intervals: overlapping
// and touching intervals merge, empty ones are dropped. Total of it is the
// time covered, overlaps counted once. ivs is not modified.
func Union(ivs []Interval) []Interval {
	ivs = slices.Clone(ivs)
	slices.SortFunc(ivs, func(a, b Interval) int { return cmp.Compare(a.Start, b.Start) })
	var out []Interval
	for _, iv := range ivs {
		if iv.End <= iv.Start {
			continue
		}
		if n := len(out); n > 0 && iv.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, iv.End)
			continue
		}
		out = append(out, iv)
	}
	return out
}

// intersect intersects two sorted disjoint interval lists.
func intersect(a, b []Interval) []Interval {
	var out []Interval
	for i, j := 0, 0; i < len(a) && j < len(b); {
		s, e := max(a[i].Start, b[j].Start), min(a[i].End, b[j].End)
		if s < e {
			out = append(out, Interval{s, e})
		}
		if a[i].End < b[j].End {
			i++
		} else {
			j++
		}
	}
	return out
}
