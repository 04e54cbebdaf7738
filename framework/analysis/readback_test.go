package analysis

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/timeline"
)

// roundsRun is a run in which client c1 wrote two keys, read them back in
// round 1 (after the roll back, which lost one) and on stop, and a member
// crashed.
func roundsRun() Recorded {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(ms int) int64 { return t0.Add(time.Duration(ms) * time.Millisecond).UnixNano() }
	v := func(s string) *string { return &s }
	recs := []probe.Record{
		{Client: "c1", N: 1, Class: "write", Key: "c1-1", Seq: 1, Start: at(10), End: at(11), OK: true, Version: "v2", Value: v("one")},
		{Client: "c1", N: 2, Class: "read", Key: "c1-1", Seq: 1, Start: at(20), End: at(21), OK: true, Version: "v2", Value: v("one")},
		{Client: "c1", N: 3, Class: "write", Key: "c1-3", Seq: 2, Start: at(30), End: at(31), OK: true, Version: "v2", Value: v("three")},
		{Type: probe.TypeReadback, Client: "c1", Key: "c1-1", Round: 1, Seq: 1, Found: true, Value: v("one"), Version: "v1", Start: at(500), End: at(501)},
		{Type: probe.TypeReadback, Client: "c1", Key: "c1-3", Round: 1, Start: at(500), End: at(501), Version: "v1"},
		{Type: probe.TypeRound, Client: "c1", Round: 1},
		{Type: probe.TypeSummary, Client: "c1", Sent: 3},
		{Type: probe.TypeReadback, Client: "c1", Key: "c1-1", Seq: 1, Found: true, Value: v("one"), Version: "v1", Start: at(900), End: at(901)},
		{Type: probe.TypeReadback, Client: "c1", Key: "c1-3", Seq: 2, Found: true, Value: v("three"), Version: "v1", Start: at(900), End: at(901)},
	}
	return Recorded{
		Name: "rounds", Start: t0, End: t0.Add(time.Second),
		Events: []timeline.Event{
			{ID: "step-2", Kind: timeline.KindStep, Desc: "roll back to v1", Start: at(100), End: at(400)},
			{ID: "system-1", Kind: timeline.KindSystem, Desc: "secondary driver v1 died: exit status 4", Start: at(300), End: at(300), Unexpected: true},
			{ID: timeline.RoundEventID(1), Kind: timeline.KindSystem, Desc: "read-back round 1: after roll back to v1", Start: at(450), End: at(520), Idle: true},
		},
		Clients: []ClientRecord{{Name: "c1", Version: "v2", Records: recs}},
	}
}

func TestAnalyzeReadBackRounds(t *testing.T) {
	res := Analyze(roundsRun())
	rb := res.ReadBack
	if rb.Values != 5 || len(rb.Rounds) != 2 {
		t.Fatalf("read-back: %+v", rb)
	}
	r1 := rb.Rounds[0]
	if r1.N != 1 || r1.Label != "after roll back to v1" || r1.AtMS != 450 || r1.Route().Keys != 2 || r1.Route().Wrong != 1 {
		t.Errorf("round 1: %+v", r1)
	}
	if r0 := rb.Rounds[1]; r0.N != 0 || r0.Route().Keys != 2 || r0.Route().Wrong != 0 {
		t.Errorf("round 0: %+v", r0)
	}
	if !res.Steps[1].Unexpected || res.Steps[0].Unexpected {
		t.Errorf("steps: %+v", res.Steps)
	}
}

// A saved run, loaded and analysed again, is judged as the run was: the
// rounds come from its op logs and the crash from its events.
func TestSavedRunJudgesRoundsAndExits(t *testing.T) {
	in := roundsRun()
	dir := t.TempDir()
	if err := Save(dir, in); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	for _, r := range in.Clients[0].Records {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		log.Write(append(b, '\n'))
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "logs", "c1"+OpLogSuffix), log.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rec, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	res := Analyze(rec)
	for _, c := range []struct {
		rule check.Rule
		want check.Outcome
		msg  string
	}{
		{check.RoundTrip(), check.Fail, `round 1 (after roll back to v1): 1 of 2 keys read back wrong: c1-3 written "three" under v2 at 31.0ms, missing under v1`},
		{check.NoUnexpectedExit(), check.Fail, "1 unexpected exit: at 300.0ms secondary driver v1 died: exit status 4"},
		{check.EveryMemberHolds(time.Second), check.Invalid, "no client read through the members: give the clients more than one member address"},
	} {
		if o, msg := c.rule.Verdict(&res); o != c.want || msg != c.msg {
			t.Errorf("%s:\n got %v %q\nwant %v %q", c.rule, o, msg, c.want, c.msg)
		}
	}

	// report.json has the rounds and the crash; a run without either
	// has neither.
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"readback":{"values":5,"rounds":[{"n":1,"label":"after roll back to v1"`, `"unexpected":true`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("report JSON lacks %s", want)
		}
	}
	var ops []probe.Record
	for _, r := range in.Clients[0].Records[:3] {
		r.Value = nil
		ops = append(ops, r)
	}
	plain := Analyze(Recorded{Name: "plain", Start: in.Start, End: in.End, Clients: []ClientRecord{{Name: "c1", Records: ops}}})
	var doc map[string]any
	b, _ = json.Marshal(plain)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc["readback"]; ok {
		t.Errorf("a run without a read-back line or value has a readback field: %v", doc["readback"])
	}
}
