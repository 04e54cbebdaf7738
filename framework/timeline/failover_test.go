package timeline

import (
	"reflect"
	"testing"
	"time"
)

func TestFailovers(t *testing.T) {
	d := func(msv float64) time.Duration { return time.Duration(nsOf(msv)) }
	kill := Event{ID: "fault-1", Kind: KindFault, Start: nsOf(1000), End: nsOf(1000), ExpectOutage: true}
	upgrade := Event{ID: "step-2", Kind: KindStep, Start: nsOf(1000), End: nsOf(1600), ExpectOutage: true}
	detect := func(at float64) Event {
		return Event{ID: "sys-d", Kind: KindSystem, Start: nsOf(at), End: nsOf(at), Phase: PhaseDetect}
	}
	ready := func(at float64) Event {
		return Event{ID: "sys-r", Kind: KindSystem, Start: nsOf(at), End: nsOf(at), Phase: PhaseReady}
	}
	caused := func(cause string, start, end float64) Window {
		return Window{Client: "c1", Class: "read", Start: nsOf(start), End: nsOf(end), Causes: []string{cause}}
	}
	tests := []struct {
		name   string
		events []Event
		ws     []Window
		want   []Failover
	}{
		{
			name:   "kill: detect, restart, recover add up to the total",
			events: []Event{kill, detect(1050), ready(1400)},
			ws:     []Window{caused("fault-1", 1001, 1450), caused("fault-1", 1002, 1500)},
			want:   []Failover{{Cause: "fault-1", Detect: d(50), Restart: d(350), Recover: d(100), Total: d(500)}},
		},
		{
			name:   "a ready reported after the clients recovered counts as at recovery",
			events: []Event{kill, detect(1050), ready(1600)},
			ws:     []Window{caused("fault-1", 1001, 1500)},
			want:   []Failover{{Cause: "fault-1", Detect: d(50), Restart: d(450), Recover: 0, Total: d(500)}},
		},
		{
			name:   "a ready long after recovery is not this failover's",
			events: []Event{kill, detect(1050), ready(1800)},
			ws:     []Window{caused("fault-1", 1001, 1500)},
			want:   []Failover{{Cause: "fault-1", Detect: d(50), Restart: Unknown, Recover: Unknown, Total: d(500)}},
		},
		{
			name:   "a detect after recovery is not this failover's",
			events: []Event{kill, detect(1550), ready(1900)},
			ws:     []Window{caused("fault-1", 1001, 1500)},
			want:   []Failover{{Cause: "fault-1", Detect: Unknown, Restart: Unknown, Recover: Unknown, Total: d(500)}},
		},
		{
			name:   "a planned step without a detect event detects at its start",
			events: []Event{upgrade, ready(1300)},
			ws:     []Window{caused("step-2", 1001, 1320)},
			want:   []Failover{{Cause: "step-2", Detect: 0, Restart: d(300), Recover: d(20), Total: d(320)}},
		},
		{
			name:   "a fault without system events has only a total",
			events: []Event{kill},
			ws:     []Window{caused("fault-1", 990, 1200)},
			want:   []Failover{{Cause: "fault-1", Detect: Unknown, Restart: Unknown, Recover: Unknown, Total: d(200)}},
		},
		{
			name:   "a fault without detect but with ready",
			events: []Event{kill, ready(1100)},
			ws:     []Window{caused("fault-1", 1001, 1200)},
			want:   []Failover{{Cause: "fault-1", Detect: Unknown, Restart: Unknown, Recover: d(100), Total: d(200)}},
		},
		{
			name:   "an open window leaves recover and total unknown",
			events: []Event{kill, detect(1050), ready(3000)},
			ws:     []Window{caused("fault-1", 1001, 1200), {Client: "c2", Start: nsOf(1001), End: nsOf(2000), Open: true, Causes: []string{"fault-1"}}},
			want:   []Failover{{Cause: "fault-1", Detect: d(50), Restart: d(1950), Recover: Unknown, Total: Unknown}},
		},
		{
			name:   "events that caused nothing, and system events, have no failover",
			events: []Event{kill, upgrade, {ID: "sys-1", Kind: KindSystem, Start: nsOf(1000), End: nsOf(1000)}},
			ws:     []Window{{Client: "c1", Start: nsOf(1001), End: nsOf(1100), Causes: []string{"sys-1"}}},
		},
		{
			name:   "a window that began and ended just before its cause",
			events: []Event{kill},
			ws:     []Window{caused("fault-1", 900, 950)},
			want:   []Failover{{Cause: "fault-1", Detect: Unknown, Restart: Unknown, Recover: Unknown, Total: 0}},
		},
		{
			name:   "a window counts for its primary cause only",
			events: []Event{upgrade, kill, detect(1050), ready(1400)},
			ws:     []Window{{Client: "c1", Start: nsOf(1001), End: nsOf(1450), Causes: []string{"step-2", "fault-1"}}},
			want: []Failover{
				{Cause: "step-2", Detect: d(50), Restart: d(350), Recover: d(50), Total: d(450)},
			},
		},
		{
			name: "another replica's phase events are not this failover's",
			events: []Event{
				{ID: "step-3.1", Kind: KindStep, Start: nsOf(1000), End: nsOf(1300), ExpectOutage: true, Targets: []string{"web-1"}},
				{ID: "web-2-4", Kind: KindSystem, Start: nsOf(1020), End: nsOf(1020), Phase: PhaseDetect, Targets: []string{"web-2"}},
				{ID: "web-2-5", Kind: KindSystem, Start: nsOf(1050), End: nsOf(1050), Phase: PhaseReady, Targets: []string{"web-2"}},
				{ID: "web-1-7", Kind: KindSystem, Start: nsOf(1200), End: nsOf(1200), Phase: PhaseReady, Targets: []string{"web-1"}},
			},
			ws:   []Window{caused("step-3.1", 1001, 1250)},
			want: []Failover{{Cause: "step-3.1", Detect: 0, Restart: d(200), Recover: d(50), Total: d(250)}},
		},
		{
			name: "phase events of a later step on the same service are that step's, not the fault's",
			events: []Event{
				{ID: "fault-3.1", Kind: KindFault, Start: nsOf(1000), End: nsOf(3500), Targets: []string{"web-2"}},
				{ID: "step-3.2.3", Kind: KindStep, Start: nsOf(1500), End: nsOf(1510), ExpectOutage: true, Targets: []string{"web-2"}},
				{ID: "web-2-2", Kind: KindSystem, Start: nsOf(1501), End: nsOf(1501), Phase: PhaseDetect, Targets: []string{"web-2"}},
				{ID: "web-2-3", Kind: KindSystem, Start: nsOf(1509), End: nsOf(1509), Phase: PhaseReady, Targets: []string{"web-2"}},
				{ID: "step-9", Kind: KindStep, Start: nsOf(1002), End: nsOf(1003)},
				{ID: "web-2-4", Kind: KindSystem, Start: nsOf(1004), End: nsOf(1004), Phase: PhaseDetect, Targets: []string{"web-2"}},
			},
			ws: []Window{caused("fault-3.1", 1001, 3500), caused("step-3.2.3", 1501, 1512)},
			want: []Failover{
				{Cause: "fault-3.1", Detect: d(4), Restart: Unknown, Recover: Unknown, Total: d(2500)},
				{Cause: "step-3.2.3", Detect: d(1), Restart: d(8), Recover: d(3), Total: d(12)},
			},
		},
		{
			name:   "phase events without targets still count for a targeted cause",
			events: []Event{{ID: "fault-1", Kind: KindFault, Start: nsOf(1000), End: nsOf(1000), Targets: []string{"web-1"}}, detect(1050), ready(1400)},
			ws:     []Window{caused("fault-1", 1001, 1450)},
			want:   []Failover{{Cause: "fault-1", Detect: d(50), Restart: d(350), Recover: d(50), Total: d(450)}},
		},
		{
			name:   "a recovery-tail window is not part of the failover",
			events: []Event{upgrade, ready(1300)},
			ws: []Window{
				caused("step-2", 1001, 1320),
				{Client: "c1", Class: "read", Start: nsOf(2000), End: nsOf(2100), Causes: []string{"step-2"}, Expected: true, Tail: true},
			},
			want: []Failover{{Cause: "step-2", Detect: 0, Restart: d(300), Recover: d(20), Total: d(320)}},
		},
		{
			name:   "a step whose only windows are its recovery tail has no failover",
			events: []Event{upgrade, ready(1300)},
			ws:     []Window{{Client: "c1", Class: "read", Start: nsOf(2000), End: nsOf(2100), Causes: []string{"step-2"}, Expected: true, Tail: true}},
		},
		{
			name: "a step that expects no outage has no failover",
			events: []Event{
				{ID: "step-1", Kind: KindStep, Desc: "warm up", Start: nsOf(0), End: nsOf(1000)},
				detect(1050), ready(1400),
			},
			ws:   []Window{{Client: "c1", Start: nsOf(900), End: nsOf(1450), Causes: []string{"step-1"}}},
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Failovers(tt.events, tt.ws)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Failovers:\n got %+v\nwant %+v", got, tt.want)
			}
			for _, f := range got {
				known := f.Detect >= 0 && f.Restart >= 0 && f.Recover >= 0 && f.Total >= 0
				if known && f.Detect+f.Restart+f.Recover != f.Total {
					t.Errorf("%s: phases %v+%v+%v do not add up to %v", f.Cause, f.Detect, f.Restart, f.Recover, f.Total)
				}
			}
		})
	}
}
