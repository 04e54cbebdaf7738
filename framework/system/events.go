package system

import (
	"fmt"
	"sync"
	"time"

	"github.com/hatest/hatest/framework/timeline"
)

// Recorder collects timeline events. It is safe for concurrent use, so
// concurrent steps and faults can record at once.
type Recorder struct {
	mu     sync.Mutex
	events []timeline.Event
	n      map[string]int
}

// Begin records the start of an event now and returns the function that
// records its end. The returned ID is stable within one scenario:
// "step-1", "fault-2" in the order of Begin calls.
func (r *Recorder) Begin(kind, desc string, expectOutage bool) (id string, end func()) {
	r.mu.Lock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	r.n[kind]++
	id = fmt.Sprintf("%s-%d", kind, r.n[kind])
	r.mu.Unlock()
	return id, r.BeginEvent(timeline.Event{ID: id, Kind: kind, Desc: desc, ExpectOutage: expectOutage})
}

// BeginEvent records e as starting now and returns the function that
// records its end. The scenario runner gives e the step's number in the
// plan as its ID ("step-4.2"), so IDs match the printed plan.
func (r *Recorder) BeginEvent(e timeline.Event) (end func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := len(r.events)
	e.Start = now()
	r.events = append(r.events, e)
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.events[i].End = now()
		})
	}
}

// Retarget sets the Targets of the event id: for a step that learns only
// as it runs what it acts on (the member a rolling upgrade's order hook
// picks).
func (r *Recorder) Retarget(id string, targets []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.events {
		if r.events[i].ID == id {
			r.events[i].Targets = append([]string(nil), targets...)
		}
	}
}

// Add records an event that happened elsewhere (the overlord's own log).
func (r *Recorder) Add(e timeline.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// Events returns a copy of every event so far. An event that has not ended
// yet ends now in the copy.
func (r *Recorder) Events() []timeline.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]timeline.Event(nil), r.events...)
	t := now()
	for i := range out {
		if out[i].End == 0 {
			out[i].End = t
		}
	}
	return out
}

func now() int64 { return time.Now().UnixNano() }
