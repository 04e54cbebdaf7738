package check

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/result"
)

const t0 = int64(1_000_000_000_000)

// write is an op line: a write of key by client, at ms after t0.
func write(client, key string, seq uint64, atMS float64, ok bool) probe.Record {
	start := t0 + int64(atMS*1e6)
	r := probe.Record{Client: client, Class: "write", Start: start, End: start + 1e6, OK: ok, Key: key}
	if ok {
		r.Seq = seq
	} else {
		r.Err = "timeout after 500ms"
	}
	return r
}

func withSeq(r probe.Record, seq uint64) probe.Record {
	r.Seq = seq
	return r
}

func withVersion(r probe.Record, version string) probe.Record {
	r.Version = version
	return r
}

func readback(client, key string, seq uint64, found bool) probe.Record {
	return probe.Record{Type: probe.TypeReadback, Client: client, Key: key, Seq: seq, Found: found}
}

func TestIntegrity(t *testing.T) {
	tests := []struct {
		name string
		recs []probe.Record
		want result.Integrity
	}{
		{
			name: "nothing written: nothing to check",
			recs: []probe.Record{{Client: "c1", Class: "read", Start: t0, End: t0 + 1, OK: true, Key: "k"}},
			want: result.Integrity{Checked: true},
		},
		{
			// Two writes of one key in flight at once: the one sent first
			// was applied last (seq 11) and finishes first; the read-back
			// finds it. Nothing is lost: the server's order decides, not
			// the client's.
			name: "overlapping writes of one key: the server's order decides",
			recs: []probe.Record{
				{Client: "c1", Class: "write", Key: "k", Seq: 11, Start: t0 + 100, End: t0 + 200, OK: true},
				{Client: "c1", Class: "write", Key: "k", Seq: 10, Start: t0 + 120, End: t0 + 300, OK: true},
				readback("c1", "k", 11, true),
			},
			want: result.Integrity{AckedWrites: 1, ReadBack: 1, Checked: true},
		},
		{
			name: "every acknowledged write found",
			recs: []probe.Record{
				write("c1", "k1", 1, 10, true), write("c1", "k2", 2, 20, true),
				readback("c1", "k1", 1, true), readback("c1", "k2", 2, true),
			},
			want: result.Integrity{AckedWrites: 2, ReadBack: 2, Checked: true},
		},
		{
			name: "missing, older and unexplained newer seqs are lost; acked time is relative to start",
			recs: []probe.Record{
				write("c1", "k1", 7, 10, true), write("c1", "k2", 8, 20, true), write("c1", "k3", 9, 30, true),
				readback("c1", "k1", 0, false), readback("c1", "k2", 5, true), readback("c1", "k3", 12, true),
			},
			want: result.Integrity{AckedWrites: 3, Checked: true, Lost: []result.LostWrite{
				{Client: "c1", Key: "k1", Seq: 7, AckMS: 11, Found: "missing"},
				{Client: "c1", Key: "k2", Seq: 8, AckMS: 21, Found: "seq 5"},
				{Client: "c1", Key: "k3", Seq: 9, AckMS: 31, Found: "seq 12"},
			}},
		},
		{
			name: "a newer seq after a later write of the same key is fine, even if that write failed",
			recs: []probe.Record{
				write("c1", "k1", 7, 10, true), write("c1", "k1", 0, 20, false),
				readback("c1", "k1", 9, true),
			},
			want: result.Integrity{AckedWrites: 1, ReadBack: 1, Indeterminate: 1, AppliedFailed: 1, Checked: true},
		},
		{
			name: "the latest acknowledged write of a key is the one checked",
			recs: []probe.Record{
				write("c1", "k1", 9, 20, true), write("c1", "k1", 7, 10, true),
				readback("c1", "k1", 7, true),
			},
			want: result.Integrity{AckedWrites: 1, Checked: true, Lost: []result.LostWrite{
				{Client: "c1", Key: "k1", Seq: 9, AckMS: 21, Found: "seq 7"},
			}},
		},
		{
			name: "failed writes are indeterminate: never lost, found anyway is fine",
			recs: []probe.Record{
				write("c1", "k1", 1, 10, true), write("c1", "k2", 0, 20, false), write("c1", "k3", 0, 30, false),
				readback("c1", "k1", 1, true), readback("c1", "k2", 2, true),
			},
			want: result.Integrity{AckedWrites: 1, ReadBack: 1, Indeterminate: 2, AppliedFailed: 1, Checked: true},
		},
		{
			// A read-back cut short (its output lost at exit) reported
			// on k1 only: k2 was never checked, which is not a loss.
			name: "an acknowledged write the client did not read back is unchecked, not lost",
			recs: []probe.Record{
				write("c1", "k1", 1, 10, true), write("c1", "k2", 2, 20, true), write("c1", "k3", 3, 30, true),
				readback("c1", "k1", 1, true),
			},
			want: result.Integrity{AckedWrites: 3, ReadBack: 1, Unchecked: 2, Checked: true},
		},
		{
			name: "unchecked and lost apart: read back and missing is lost, never read back is unchecked",
			recs: []probe.Record{
				write("c1", "k1", 1, 10, true), write("c1", "k2", 2, 20, true),
				readback("c1", "k1", 0, false),
			},
			want: result.Integrity{AckedWrites: 2, Unchecked: 1, Checked: true, Lost: []result.LostWrite{
				{Client: "c1", Key: "k1", Seq: 1, AckMS: 11, Found: "missing"},
			}},
		},
		{
			name: "a client with acknowledged writes and no read-back at all: not checked, its writes unchecked",
			recs: []probe.Record{
				write("c1", "k1", 1, 10, true), readback("c1", "k1", 1, true),
				write("c2", "k9", 2, 20, true),
			},
			want: result.Integrity{AckedWrites: 2, ReadBack: 1, Unchecked: 1, Checked: false},
		},
		{
			name: "a failed write the read-back found was applied: counted apart, never an error",
			recs: []probe.Record{
				write("c1", "k1", 1, 10, true), write("c1", "k2", 0, 20, false), write("c1", "k3", 0, 30, false),
				readback("c1", "k1", 1, true), readback("c1", "k2", 2, true), readback("c1", "k3", 0, false),
			},
			want: result.Integrity{AckedWrites: 1, ReadBack: 1, Indeterminate: 2, AppliedFailed: 1, Checked: true},
		},
		{
			name: "a failed write of known seq was applied only if that seq was found",
			recs: []probe.Record{
				withSeq(write("c1", "k1", 0, 10, false), 5), withSeq(write("c1", "k2", 0, 20, false), 6),
				readback("c1", "k1", 5, true), readback("c1", "k2", 9, true),
			},
			want: result.Integrity{Indeterminate: 2, AppliedFailed: 1, Checked: true},
		},
		{
			name: "a failed write after an acknowledged one of the same key: applied only if a seq no acknowledged write had was found",
			recs: []probe.Record{
				write("c1", "k1", 7, 10, true), write("c1", "k1", 0, 20, false),
				write("c1", "k2", 8, 30, true), write("c1", "k2", 0, 40, false),
				readback("c1", "k1", 9, true), readback("c1", "k2", 8, true),
			},
			want: result.Integrity{AckedWrites: 2, ReadBack: 2, Indeterminate: 2, AppliedFailed: 1, Checked: true},
		},
		{
			name: "several failed writes of one key and unknown seqs: one applied at least",
			recs: []probe.Record{
				write("c1", "k1", 0, 10, false), write("c1", "k1", 0, 20, false), write("c1", "k1", 0, 30, false),
				readback("c1", "k1", 3, true),
			},
			want: result.Integrity{Indeterminate: 3, AppliedFailed: 1, Checked: true},
		},
		{
			name: "a failed write that was not read back is indeterminate only",
			recs: []probe.Record{
				write("c1", "k1", 1, 10, true), write("c1", "k2", 0, 20, false),
				readback("c1", "k1", 1, true),
			},
			want: result.Integrity{AckedWrites: 1, ReadBack: 1, Indeterminate: 1, Checked: true},
		},
		{
			name: "keys are per client",
			recs: []probe.Record{
				write("c1", "k", 1, 10, true), write("c2", "k", 2, 20, true),
				readback("c1", "k", 1, true), readback("c2", "k", 1, true),
			},
			want: result.Integrity{AckedWrites: 2, ReadBack: 1, Checked: true, Lost: []result.LostWrite{
				{Client: "c2", Key: "k", Seq: 2, AckMS: 21, Found: "seq 1"},
			}},
		},
		{
			// The rounds taken during the run and the reads through each
			// member are ReadBack's: here round 1 and a member found k1
			// missing, and a member found k2; only the route's read-back
			// on stop counts, and it found k1 and lost k2.
			name: "only the read-back on stop through the route counts; a lost write names the version that acknowledged it",
			recs: []probe.Record{
				write("c1", "k1", 1, 10, true), withVersion(write("c1", "k2", 2, 20, true), "v2-lazy"),
				{Type: probe.TypeReadback, Client: "c1", Key: "k1", Round: 1},
				{Type: probe.TypeReadback, Client: "c1", Key: "k1", Seq: 1, Found: true},
				{Type: probe.TypeReadback, Client: "c1", Key: "k2", Found: false},
				{Type: probe.TypeReadback, Client: "c1", Key: "k1", Via: "m2"},
				{Type: probe.TypeReadback, Client: "c1", Key: "k2", Via: "m2", Seq: 2, Found: true},
			},
			want: result.Integrity{AckedWrites: 2, ReadBack: 1, Checked: true, Lost: []result.LostWrite{
				{Client: "c1", Key: "k2", Seq: 2, AckMS: 21, Found: "missing", Version: "v2-lazy"},
			}},
		},
		{
			name: "a read-back line with an error read nothing: its write is unchecked",
			recs: []probe.Record{
				write("c1", "k1", 1, 10, true), write("c1", "k2", 2, 20, true),
				readback("c1", "k1", 1, true),
				{Type: probe.TypeReadback, Client: "c1", Key: "k2", Err: "timeout"},
			},
			want: result.Integrity{AckedWrites: 2, ReadBack: 1, Unchecked: 1, Checked: true},
		},
		{
			name: "incr and read ops are not writes",
			recs: []probe.Record{
				{Client: "c1", Class: "incr", Start: t0, End: t0 + 1, OK: true, Key: "c1-counter", Seq: 3},
				{Client: "c1", Class: "incr", Start: t0, End: t0 + 1, Key: "c1-counter"},
				{Client: "c1", Class: "read", Start: t0, End: t0 + 1, Key: "k"},
			},
			want: result.Integrity{Checked: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Integrity(tt.recs, t0, nil)
			if tt.want.Lost == nil {
				tt.want.Lost = []result.LostWrite{}
			}
			if tt.want.SplitBrain == nil {
				tt.want.SplitBrain = []string{}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Integrity:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// pw is a write acknowledged by server as primary, applied at ms after t0.
func pw(server string, atMS float64, seq uint64) probe.Record {
	at := t0 + int64(atMS*1e6)
	return probe.Record{Client: "c1", Class: "write", Start: at - 1e5, End: at + 1e5, OK: true,
		Role: "primary", Server: server, Applied: at, Seq: seq, Key: "k"}
}

// by makes r a write of client.
func by(client string, r probe.Record) probe.Record {
	r.Client = client
	return r
}

func TestSplitBrain(t *testing.T) {
	secondary := pw("d1", 15, 99)
	secondary.Role = "secondary"
	read := pw("d1", 16, 98)
	read.Class = "read"
	failed := pw("d1", 17, 97)
	failed.OK = false
	// Two independent replicas (services web-1 and web-2), each a driver
	// under its own overlord in its own container, so both drivers have
	// pid 15: web-1 is upgraded at 30ms, web-2 at 50ms.
	dockerIDs := []probe.Record{
		by("a1", pw("v1-15", 10, 1)), by("b1", pw("v1-15", 11, 1)), by("a1", pw("v1-15", 20, 2)), by("b1", pw("v1-15", 21, 2)),
		by("a1", pw("v2-15", 30, 3)), by("b1", pw("v1-15", 31, 3)), by("a1", pw("v2-15", 40, 4)), by("b1", pw("v1-15", 41, 4)),
		by("a1", pw("v2-15", 50, 5)), by("b1", pw("v2-15", 51, 5)), by("a1", pw("v2-15", 60, 6)), by("b1", pw("v2-15", 61, 6)),
	}
	replicas := map[string]string{"a1": "web-1", "a2": "web-1", "b1": "web-2", "b2": "web-2"}
	tests := []struct {
		name     string
		recs     []probe.Record
		services map[string]string // client -> service; nil: one group
		want     []string          // substrings, one entry per expected line
	}{
		{name: "one primary", recs: []probe.Record{pw("d0", 10, 1), pw("d0", 20, 2)}},
		{name: "a switchover", recs: []probe.Record{pw("d0", 10, 1), pw("d0", 20, 2), pw("d1", 30, 3), pw("d1", 40, 4)}},
		{
			name: "a switchover and back (rollback)",
			recs: []probe.Record{pw("d0", 10, 1), pw("d1", 30, 2), pw("d1", 40, 3), pw("d0", 50, 4), pw("d0", 60, 5)},
		},
		{
			name: "out-of-order lines are sorted by applied time",
			recs: []probe.Record{pw("d1", 30, 2), pw("d0", 50, 4), pw("d0", 10, 1), pw("d1", 40, 3)},
		},
		{
			name: "writes not acknowledged as primary do not count",
			recs: []probe.Record{pw("d0", 10, 1), secondary, read, failed, pw("d0", 20, 2)},
		},
		{
			name: "two primaries interleaving",
			recs: []probe.Record{pw("d0", 10, 1), pw("d1", 11, 1), pw("d0", 12, 2), pw("d1", 13, 2), pw("d0", 14, 3)},
			want: []string{"split brain: d0 and d1 both acknowledged writes as primary, alternating 4 times between 11.0ms and 14.0ms (e.g. d0 seq 2 at 12.0ms for c1, then d1 seq 2 at 13.0ms for c1)"},
		},
		{
			name: "only the interleaving pair is named",
			recs: []probe.Record{
				pw("d0", 10, 1), pw("d1", 11, 1), pw("d0", 12, 2), pw("d1", 13, 2),
				pw("d2", 100, 3), pw("d2", 110, 4),
			},
			want: []string{"d0 and d1 both"},
		},
		{
			// What every scenario with independent replicas on Docker
			// reported before servers were judged per service.
			name: "without services, independent replicas whose drivers share ids look like one flapping server",
			recs: dockerIDs,
			want: []string{"split brain: v1-15 and v2-15 both"},
		},
		{
			name:     "independent replicas whose drivers share ids (pid 15 in every container): no split brain",
			recs:     dockerIDs,
			services: replicas,
		},
		{
			name: "independent replicas, each its own primary, interleaving in time: no split brain",
			recs: []probe.Record{
				by("a1", pw("v1-0a1b2c3d-15", 10, 1)), by("b1", pw("v1-9e8f7a6b-15", 11, 1)),
				by("a2", pw("v1-0a1b2c3d-15", 12, 2)), by("b2", pw("v1-9e8f7a6b-15", 13, 2)),
				by("a1", pw("v1-0a1b2c3d-15", 14, 3)), by("b1", pw("v1-9e8f7a6b-15", 15, 3)),
			},
			services: replicas,
		},
		{
			name: "a rogue secondary in one service: split brain, naming the service",
			recs: []probe.Record{
				by("c1", pw("d0", 10, 1)), by("c2", pw("d1", 11, 1)), by("c1", pw("d0", 12, 2)), by("c2", pw("d1", 13, 2)),
			},
			services: map[string]string{"c1": "driver", "c2": "driver"},
			want:     []string{"split brain in service driver: d0 and d1 both acknowledged writes as primary, alternating 3 times"},
		},
		{
			name: "only the service with two primaries is named",
			recs: []probe.Record{
				by("a1", pw("d0", 10, 1)), by("b1", pw("e0", 10.5, 1)), by("a2", pw("d1", 11, 1)), by("b1", pw("e0", 11.5, 2)),
				by("a1", pw("d0", 12, 2)), by("b2", pw("e0", 12.5, 3)), by("a2", pw("d1", 13, 2)), by("b2", pw("e0", 13.5, 4)),
			},
			services: replicas,
			want:     []string{"split brain in service web-1: d0 and d1 both"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var serviceOf func(string) string
			if tt.services != nil {
				serviceOf = func(c string) string { return tt.services[c] }
			}
			got := Integrity(tt.recs, t0, serviceOf).SplitBrain
			if len(got) != len(tt.want) {
				t.Fatalf("SplitBrain = %q, want %d lines", got, len(tt.want))
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("line %d = %q, want it to contain %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}
