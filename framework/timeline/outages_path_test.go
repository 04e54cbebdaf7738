package timeline

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// Paths of a rolling-upgrade topology: a1 sends to web-1, b1 to web-2, s1
// to the standby pair db; x1 has no entry.
var rollingPaths = map[string][]string{
	"a1": {"web-1"},
	"b1": {"web-2"},
	"s1": {"db", "db-secondary", "db-replication"},
}

// window of client c, read class, from start to end (ms): one failed op
// at start and a good answer at end, both shorter than 0.5 ms.
func window(c string, start, end float64) []Op {
	return []Op{as(c, "read", bad(start, start+0.25, "x")), as(c, "read", ok(end-0.25, end))}
}

func opsOf(groups ...[]Op) []Op { return slices.Concat(groups...) }

func TestAttributionByPath(t *testing.T) {
	upgrade1 := Event{ID: "step-3.1", Kind: KindStep, Start: nsOf(1000), End: nsOf(1300), ExpectOutage: true, Targets: []string{"web-1"}}
	latency2 := Event{ID: "fault-4", Kind: KindFault, Start: nsOf(900), End: nsOf(2500), Targets: []string{"web-2"}}
	untargeted := Event{ID: "step-5", Kind: KindStep, Start: nsOf(900), End: nsOf(2500)}
	overlord1 := Event{ID: "web-1-7", Kind: KindSystem, Start: nsOf(1002), End: nsOf(1002), Targets: []string{"web-1"}}
	overlord2 := Event{ID: "web-2-3", Kind: KindSystem, Start: nsOf(1001), End: nsOf(1001), Targets: []string{"web-2"}}
	tests := []struct {
		name   string
		ops    []Op
		events []Event
		cfg    Config
		want   []win
	}{
		{
			name:   "an event on another client's path is no cause; each window keeps its own",
			ops:    opsOf(window("a1", 1100, 1200), window("b1", 1500, 1600)),
			events: []Event{latency2, upgrade1, overlord1, overlord2},
			cfg:    Config{Paths: rollingPaths},
			want: []win{
				{Client: "a1", Class: "read", Start: 1100, End: 1200, Failed: 1, Reasons: "x", Causes: "step-3.1,web-1-7", Expected: true},
				{Client: "b1", Class: "read", Start: 1500, End: 1600, Failed: 1, Reasons: "x", Causes: "fault-4"},
			},
		},
		{
			name:   "an event without targets causes every client's window",
			ops:    opsOf(window("a1", 1100, 1200), window("b1", 1500, 1600), window("s1", 1700, 1800)),
			events: []Event{untargeted},
			cfg:    Config{Paths: rollingPaths},
			want: []win{
				{Client: "a1", Class: "read", Start: 1100, End: 1200, Failed: 1, Reasons: "x", Causes: "step-5"},
				{Client: "b1", Class: "read", Start: 1500, End: 1600, Failed: 1, Reasons: "x", Causes: "step-5"},
				{Client: "s1", Class: "read", Start: 1700, End: 1800, Failed: 1, Reasons: "x", Causes: "step-5"},
			},
		},
		{
			name:   "a client without a path depends on everything",
			ops:    window("x1", 1100, 1200),
			events: []Event{latency2, upgrade1},
			cfg:    Config{Paths: rollingPaths},
			want:   []win{{Client: "x1", Class: "read", Start: 1100, End: 1200, Failed: 1, Reasons: "x", Causes: "step-3.1,fault-4", Expected: true}},
		},
		{
			name:   "without Paths every client depends on everything",
			ops:    window("a1", 1100, 1200),
			events: []Event{latency2, upgrade1},
			want:   []win{{Client: "a1", Class: "read", Start: 1100, End: 1200, Failed: 1, Reasons: "x", Causes: "step-3.1,fault-4", Expected: true}},
		},
		{
			name:   "a window with nothing on its path is unexplained and unexpected",
			ops:    window("a1", 1100, 1200),
			events: []Event{latency2, overlord2},
			cfg:    Config{Paths: rollingPaths},
			want:   []win{{Client: "a1", Class: "read", Start: 1100, End: 1200, Failed: 1, Reasons: "x"}},
		},
		{
			name: "a standby pair's secondary proxy and replication link are on its clients' path",
			ops:  opsOf(window("s1", 1100, 1200), window("s1", 2100, 2200), window("a1", 2100, 2200)),
			events: []Event{
				{ID: "fault-1", Kind: KindFault, Start: nsOf(1000), End: nsOf(1500), Targets: []string{"db-replication"}},
				{ID: "fault-2", Kind: KindFault, Start: nsOf(2000), End: nsOf(2500), ExpectOutage: true, Targets: []string{"db-secondary"}},
			},
			cfg: Config{Paths: rollingPaths},
			want: []win{
				{Client: "s1", Class: "read", Start: 1100, End: 1200, Failed: 1, Reasons: "x", Causes: "fault-1"},
				{Client: "a1", Class: "read", Start: 2100, End: 2200, Failed: 1, Reasons: "x"},
				{Client: "s1", Class: "read", Start: 2100, End: 2200, Failed: 1, Reasons: "x", Causes: "fault-2", Expected: true},
			},
		},
		{
			name:   "a fault on the client's own node is on its path",
			ops:    window("a1", 1100, 1200),
			events: []Event{{ID: "fault-1", Kind: KindFault, Start: nsOf(1000), End: nsOf(1500), Targets: []string{"a1"}}},
			cfg:    Config{Paths: rollingPaths},
			want:   []win{{Client: "a1", Class: "read", Start: 1100, End: 1200, Failed: 1, Reasons: "x", Causes: "fault-1"}},
		},
		{
			name:   "one target on the path is enough",
			ops:    window("b1", 1100, 1200),
			events: []Event{{ID: "fault-1", Kind: KindFault, Start: nsOf(1000), End: nsOf(1500), Targets: []string{"web-9", "web-2"}}},
			cfg:    Config{Paths: rollingPaths},
			want:   []win{{Client: "b1", Class: "read", Start: 1100, End: 1200, Failed: 1, Reasons: "x", Causes: "fault-1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := core(Outages(tt.ops, tt.events, tt.cfg)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Outages:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestRecoveryTail(t *testing.T) {
	// web-1's upgrade ends at 1300; its member flaps after that.
	upgrade1 := Event{ID: "step-3.1", Kind: KindStep, Start: nsOf(1000), End: nsOf(1300), ExpectOutage: true, Targets: []string{"web-1"}}
	upgrade2 := Event{ID: "step-3.3", Kind: KindStep, Start: nsOf(2300), End: nsOf(2600), ExpectOutage: true, Targets: []string{"web-2"}}
	kill1 := Event{ID: "fault-2", Kind: KindFault, Start: nsOf(1200), End: nsOf(1200), Targets: []string{"web-1"}}
	ready1 := Event{ID: "web-1-4", Kind: KindSystem, Start: nsOf(1290), End: nsOf(1290), Phase: PhaseReady, Targets: []string{"web-1"}}
	died1 := Event{ID: "web-1-5", Kind: KindSystem, Start: nsOf(2400), End: nsOf(2400), Targets: []string{"web-1"}}
	wait := Event{ID: "step-3.2", Kind: KindStep, Start: nsOf(1300), End: nsOf(2300), Idle: true}
	paths := Config{Paths: rollingPaths}
	tests := []struct {
		name   string
		ops    []Op
		events []Event
		cfg    Config
		want   []win
	}{
		{
			name:   "a flap after the member's own restart is that restart's tail, expected as it was",
			ops:    window("a1", 2400, 2500),
			events: []Event{upgrade1, wait, upgrade2},
			cfg:    paths,
			want:   []win{{Client: "a1", Class: "read", Start: 2400, End: 2500, Failed: 1, Reasons: "x", Causes: "step-3.1", Expected: true, Tail: true}},
		},
		{
			name:   "the tail ends RecoveryTail after the step did",
			ops:    opsOf(window("a1", 3299, 3300), window("a1", 3301, 3400)),
			events: []Event{upgrade1},
			cfg:    paths,
			want: []win{
				{Client: "a1", Class: "read", Start: 3299, End: 3300, Failed: 1, Reasons: "x", Causes: "step-3.1", Expected: true, Tail: true},
				{Client: "a1", Class: "read", Start: 3301, End: 3400, Failed: 1, Reasons: "x"},
			},
		},
		{
			name:   "a shorter RecoveryTail: 500 ms after the step is outside 400 ms, 300 ms inside",
			ops:    opsOf(window("a1", 1600, 1700), window("a1", 1800, 1900)),
			events: []Event{upgrade1},
			cfg:    Config{Paths: rollingPaths, RecoveryTail: 400 * time.Millisecond},
			want: []win{
				{Client: "a1", Class: "read", Start: 1600, End: 1700, Failed: 1, Reasons: "x", Causes: "step-3.1", Expected: true, Tail: true},
				{Client: "a1", Class: "read", Start: 1800, End: 1900, Failed: 1, Reasons: "x"},
			},
		},
		{
			name:   "a negative RecoveryTail turns the tail off",
			ops:    window("a1", 1600, 1700),
			events: []Event{upgrade1},
			cfg:    Config{Paths: rollingPaths, RecoveryTail: -1},
			want:   []win{{Client: "a1", Class: "read", Start: 1600, End: 1700, Failed: 1, Reasons: "x"}},
		},
		{
			name:   "system events on the path are listed after the tail's step, and never make a tail alone",
			ops:    opsOf(window("a1", 2400, 2500), window("b1", 1400, 1500)),
			events: []Event{upgrade1, ready1, died1, {ID: "web-2-1", Kind: KindSystem, Start: nsOf(1100), End: nsOf(1100), Targets: []string{"web-2"}}},
			cfg:    paths,
			want: []win{
				{Client: "b1", Class: "read", Start: 1400, End: 1500, Failed: 1, Reasons: "x"},
				{Client: "a1", Class: "read", Start: 2400, End: 2500, Failed: 1, Reasons: "x", Causes: "step-3.1,web-1-5", Expected: true, Tail: true},
			},
		},
		{
			name:   "another member's step makes no tail",
			ops:    window("b1", 1600, 1700),
			events: []Event{upgrade1},
			cfg:    paths,
			want:   []win{{Client: "b1", Class: "read", Start: 1600, End: 1700, Failed: 1, Reasons: "x"}},
		},
		{
			name:   "a step or fault active on the path takes the window, even unexpected: no tail",
			ops:    window("a1", 1600, 1700),
			events: []Event{upgrade1, {ID: "fault-9", Kind: KindFault, Start: nsOf(1550), End: nsOf(1800), Targets: []string{"web-1"}}},
			cfg:    paths,
			want:   []win{{Client: "a1", Class: "read", Start: 1600, End: 1700, Failed: 1, Reasons: "x", Causes: "fault-9"}},
		},
		{
			name:   "the step or fault that ended last is the tail's; a fault's tail is expected only if it was",
			ops:    window("a1", 1600, 1700),
			events: []Event{kill1, {ID: "fault-3", Kind: KindFault, Start: nsOf(1250), End: nsOf(1250), Targets: []string{"web-1"}}},
			cfg:    paths,
			want:   []win{{Client: "a1", Class: "read", Start: 1600, End: 1700, Failed: 1, Reasons: "x", Causes: "fault-3", Tail: true}},
		},
		{
			name:   "an idle step is never a tail",
			ops:    window("a1", 2400, 2500),
			events: []Event{wait},
			cfg:    paths,
			want:   []win{{Client: "a1", Class: "read", Start: 2400, End: 2500, Failed: 1, Reasons: "x"}},
		},
		{
			name:   "a step that began after the failure was seen is not its tail",
			ops:    window("a1", 900, 950),
			events: []Event{upgrade1},
			cfg:    paths,
			want:   []win{{Client: "a1", Class: "read", Start: 900, End: 950, Failed: 1, Reasons: "x"}},
		},
		{
			name:   "an untargeted restart has a tail for every client",
			ops:    opsOf(window("a1", 1600, 1700), window("b1", 1650, 1750)),
			events: []Event{{ID: "step-2", Kind: KindStep, Start: nsOf(1000), End: nsOf(1300), ExpectOutage: true}},
			cfg:    paths,
			want: []win{
				{Client: "a1", Class: "read", Start: 1600, End: 1700, Failed: 1, Reasons: "x", Causes: "step-2", Expected: true, Tail: true},
				{Client: "b1", Class: "read", Start: 1650, End: 1750, Failed: 1, Reasons: "x", Causes: "step-2", Expected: true, Tail: true},
			},
		},
		{
			// A step that expects no outage (preparing a secondary, a
			// custom action) leaves no recovery tail: the window stays
			// unexplained.
			name:   "a step that expects no outage has no tail",
			ops:    opsOf(window("a1", 1600, 1700)),
			events: []Event{{ID: "step-2", Kind: KindStep, Start: nsOf(1000), End: nsOf(1300), Targets: []string{"web-1"}}},
			cfg:    paths,
			want:   []win{{Client: "a1", Class: "read", Start: 1600, End: 1700, Failed: 1, Reasons: "x"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := core(Outages(tt.ops, tt.events, tt.cfg)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Outages:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestConfigOnPath(t *testing.T) {
	cfg := Config{Paths: rollingPaths}
	for _, tt := range []struct {
		client  string
		targets []string
		want    bool
	}{
		{"a1", nil, true},
		{"a1", []string{"web-1"}, true},
		{"a1", []string{"web-2"}, false},
		{"a1", []string{"a1"}, true},
		{"x1", []string{"web-2"}, true},
		{"s1", []string{"db-replication"}, true},
		{"s1", []string{"web-1", "db"}, true},
	} {
		if got := cfg.OnPath(tt.client, Event{Targets: tt.targets}); got != tt.want {
			t.Errorf("OnPath(%s, %v) = %v, want %v", tt.client, tt.targets, got, tt.want)
		}
	}
	if !(Config{}).OnPath("a1", Event{Targets: []string{"web-2"}}) {
		t.Error("without Paths every event is on every path")
	}
}

func TestEffectiveRecoveryTail(t *testing.T) {
	for _, tt := range []struct{ in, want time.Duration }{
		{0, DefaultRecoveryTail}, {-1, 0}, {time.Second, time.Second},
	} {
		if got := (Config{RecoveryTail: tt.in}).EffectiveRecoveryTail(); got != tt.want {
			t.Errorf("recovery tail %v: got %v, want %v", tt.in, got, tt.want)
		}
	}
}
