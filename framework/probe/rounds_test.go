package probe

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// Rounds run one at a time and in order; a round asked during another
// begins when it ends; stop lets the rounds asked for run, then returns;
// a round asked after stop never runs.
func TestRounder(t *testing.T) {
	var (
		mu      sync.Mutex
		events  []string
		running int
	)
	release := make(chan struct{})
	began := make(chan int, 10)
	r := newRounder(func(n int) {
		mu.Lock()
		running++
		if running > 1 {
			t.Errorf("round %d began while another ran", n)
		}
		events = append(events, fmt.Sprint("begin ", n))
		mu.Unlock()
		began <- n
		if n == 1 {
			<-release
		}
		mu.Lock()
		running--
		events = append(events, fmt.Sprint("end ", n))
		mu.Unlock()
	})
	if n := r.ask(); n != 1 {
		t.Fatalf("first ask: round %d", n)
	}
	if n := <-began; n != 1 {
		t.Fatalf("round %d began first", n)
	}
	// Two more asked while round 1 runs: queued, not begun.
	if a, b := r.ask(), r.ask(); a != 2 || b != 3 {
		t.Fatalf("asks during round 1: rounds %d and %d", a, b)
	}
	select {
	case n := <-began:
		t.Fatalf("round %d began during round 1", n)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	r.stop()
	if n := r.ask(); n != 0 {
		t.Errorf("ask after stop: round %d, want none", n)
	}
	want := []string{"begin 1", "end 1", "begin 2", "end 2", "begin 3", "end 3"}
	if !reflect.DeepEqual(events, want) {
		t.Fatalf("events %q, want %q", events, want)
	}
}

// Stop without a round asked returns at once.
func TestRounderStopIdle(t *testing.T) {
	r := newRounder(func(n int) { t.Errorf("round %d ran, none was asked", n) })
	done := make(chan struct{})
	go func() { r.stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("stop did not return")
	}
}

func rec(key string, found bool, seq uint64, value string) Record {
	r := Record{Key: key, Found: found, Seq: seq, Start: 10, End: 20}
	if found {
		r.Value = Shown(value)
	}
	return r
}

// ReadBack reads through the route and, with more than one address,
// through each; it writes the route's lines, then each member's in the
// order given, then the round line, whose err names the vias that failed.
// The lines read before a via failed are written.
func TestReadBack(t *testing.T) {
	keys := []string{"c1-000001", "c1-000002", "c1-000003"}
	read := func(via string, keys []string) ([]Record, error) {
		switch via {
		case "":
			return []Record{rec(keys[0], true, 1, ""), rec(keys[1], true, 2, "é"), rec(keys[2], false, 0, "")}, nil
		case "m1:7000":
			return []Record{rec(keys[0], true, 1, "")}, errors.New("broken connection: EOF")
		case "m2:7000":
			return nil, errors.New("dial: connection refused")
		}
		return nil, fmt.Errorf("unknown via %q", via)
	}
	for _, tc := range []struct {
		name    string
		n       int
		addrs   []string
		want    []string
		members string
	}{
		{"one address: the route only", 2, []string{"m1:7000"}, []string{
			`{"type":"readback","client":"c1","start":10,"end":20,"key":"c1-000001","seq":1,"found":true,"value":"","round":2}`,
			`{"type":"readback","client":"c1","start":10,"end":20,"key":"c1-000002","seq":2,"found":true,"value":"é","round":2}`,
			`{"type":"readback","client":"c1","start":10,"end":20,"key":"c1-000003","round":2}`,
			`{"type":"round","client":"c1","round":2}`,
		}, ""},
		{"members", 1, []string{"m1:7000", "m2:7000"}, []string{
			`{"type":"readback","client":"c1","start":10,"end":20,"key":"c1-000001","seq":1,"found":true,"value":"","round":1}`,
			`{"type":"readback","client":"c1","start":10,"end":20,"key":"c1-000002","seq":2,"found":true,"value":"é","round":1}`,
			`{"type":"readback","client":"c1","start":10,"end":20,"key":"c1-000003","round":1}`,
			`{"type":"readback","client":"c1","start":10,"end":20,"key":"c1-000001","seq":1,"found":true,"value":"","via":"m1:7000","round":1}`,
			`{"type":"round","client":"c1","err":"m1:7000: broken connection: EOF; m2:7000: dial: connection refused","round":1}`,
		}, "m1:7000: broken connection: EOF; m2:7000: dial: connection refused"},
		{"on stop: no round line", 0, []string{"m1:7000", "m2:7000"}, []string{
			`{"type":"readback","client":"c1","start":10,"end":20,"key":"c1-000001","seq":1,"found":true,"value":""}`,
			`{"type":"readback","client":"c1","start":10,"end":20,"key":"c1-000002","seq":2,"found":true,"value":"é"}`,
			`{"type":"readback","client":"c1","start":10,"end":20,"key":"c1-000003"}`,
			`{"type":"readback","client":"c1","start":10,"end":20,"key":"c1-000001","seq":1,"found":true,"value":"","via":"m1:7000"}`,
		}, "m1:7000: broken connection: EOF; m2:7000: dial: connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var lines []string
			route, members := ReadBack("c1", tc.n, keys, tc.addrs, read, func(r *Record) {
				if err := r.Validate(); err != nil {
					t.Errorf("line %+v: %v", r, err)
				}
				lines = append(lines, string(AppendJSON(nil, r)))
			})
			if route != nil {
				t.Errorf("route error %v", route)
			}
			if got := fmt.Sprint(members); members == nil && tc.members != "" || members != nil && got != tc.members {
				t.Errorf("members error %v, want %q", members, tc.members)
			}
			if members != nil {
				var ve *ViaError
				if !errors.As(members, &ve) || ve.Via != "m1:7000" {
					t.Errorf("members error %v: no ViaError for m1:7000", members)
				}
			}
			if !reflect.DeepEqual(lines, tc.want) {
				t.Fatalf("lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// The route's failure is returned apart (a client exits 3 on it at
// stop) and named "route" in the round line; with no keys nothing is
// read, and the round line is still written.
func TestReadBackRouteFails(t *testing.T) {
	var lines []string
	write := func(r *Record) { lines = append(lines, string(AppendJSON(nil, r))) }
	route, members := ReadBack("c1", 3, []string{"k"}, nil, func(string, []string) ([]Record, error) {
		return nil, errors.New("no primary answered")
	}, write)
	if route == nil || route.Error() != "no primary answered" || members != nil {
		t.Fatalf("errors %v, %v", route, members)
	}
	if want := []string{`{"type":"round","client":"c1","err":"route: no primary answered","round":3}`}; !reflect.DeepEqual(lines, want) {
		t.Fatalf("lines %q, want %q", lines, want)
	}
	lines = nil
	route, members = ReadBack("c1", 4, nil, []string{"a", "b"}, func(via string, _ []string) ([]Record, error) {
		t.Errorf("read through %q with no keys", via)
		return nil, nil
	}, write)
	if route != nil || members != nil {
		t.Fatalf("errors %v, %v", route, members)
	}
	if want := []string{`{"type":"round","client":"c1","round":4}`}; !reflect.DeepEqual(lines, want) {
		t.Fatalf("lines %q, want %q", lines, want)
	}
}

// The vias are read at once, not one after another.
func TestReadBackConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(3)
	start := time.Now()
	_, _ = ReadBack("c1", 1, []string{"k"}, []string{"a", "b"}, func(string, []string) ([]Record, error) {
		wg.Done()
		wg.Wait() // every via's read is under way
		return nil, nil
	}, func(*Record) {})
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %v", took)
	}
}

// Log.Round is the highest round ended so far and its err, as the lines
// arrive; readback lines of a round not yet ended do not count.
func TestLogRound(t *testing.T) {
	l := NewLog(nil)
	step := func(line string, wantN int, wantErr string) {
		t.Helper()
		fmt.Fprintln(l, line)
		if n, err := l.Round(); n != wantN || err != wantErr {
			t.Fatalf("after %s: Round() = %d, %q; want %d, %q", line, n, err, wantN, wantErr)
		}
	}
	step(`{"client":"c1","n":1,"class":"read","start":1,"end":2,"ok":true}`, 0, "")
	step(`{"type":"readback","client":"c1","key":"k","round":1}`, 0, "")
	step(`{"type":"round","client":"c1","round":1,"err":"m2: dial: connection refused"}`, 1, "m2: dial: connection refused")
	step(`{"type":"round","client":"c1","round":2}`, 2, "")
	step(`{"type":"round","client":"c1","round":1}`, 2, "") // an old round's line, late
	step(`{"type":"round","client":"c1"}`, 2, "")           // no round number: malformed
	if errs := l.Errors(); len(errs) != 1 {
		t.Fatalf("errors %v, want the round line without a number", errs)
	}
}
