package probe

import (
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/timeline"
)

// Op lines carry "sched" and summaries "interval" and "skipped"; logs
// written before they existed still parse, with the schedule unknown.
func TestScheduleFields(t *testing.T) {
	newLog := strings.Join([]string{
		`{"client":"c1","n":1,"sched":1000000,"class":"read","conn":"reused","start":1000100,"end":1000300,"ok":true}`,
		`{"client":"c1","n":2,"sched":6000000,"class":"read","conn":"reused","start":9000000,"end":9000300,"ok":true}`,
		`{"type":"summary","client":"c1","sent":2,"interval":5000000,"skipped":3}`,
	}, "\n")
	recs, errs, err := readAll(strings.NewReader(newLog))
	if err != nil || len(errs) > 0 || len(recs) != 3 {
		t.Fatalf("new log: %d records, errors %v %v", len(recs), errs, err)
	}
	if recs[0].Sched != 1000000 || recs[1].Op().Sched != 6000000 {
		t.Errorf("sched not parsed: %+v %+v", recs[0], recs[1].Op())
	}
	if s := recs[2]; s.Interval != 5000000 || s.Skipped != 3 || s.Sent != 2 {
		t.Errorf("summary %+v, want interval 5000000, skipped 3", s)
	}
	st := timeline.Schedule([]timeline.Op{recs[0].Op(), recs[1].Op()}, time.Duration(recs[2].Interval), recs[2].Skipped)
	if !st.Known || st.LagMax != 3*time.Millisecond || st.Skipped != 3 {
		t.Errorf("schedule %+v, want known, lag max 3ms, 3 skipped", st)
	}

	oldLog := opLine + "\n" + failLine + "\n" + rbLine + "\n" + sumLine + "\n"
	recs, errs, err = readAll(strings.NewReader(oldLog))
	if err != nil || len(errs) > 0 || len(recs) != 4 {
		t.Fatalf("old log: %d records, errors %v %v", len(recs), errs, err)
	}
	if recs[0].Sched != 0 || recs[3].Interval != 0 || recs[3].Skipped != 0 {
		t.Errorf("old log gained schedule fields: %+v %+v", recs[0], recs[3])
	}
	if st := timeline.Schedule([]timeline.Op{recs[0].Op(), recs[1].Op()}, 0, 0); st.Known || st.LagMax != 0 {
		t.Errorf("old log: schedule %+v, want unknown", st)
	}
}
