package probe

import (
	"os"
	"os/signal"
	"strings"
	"sync"
)

// Rounds answers SIGUSR1 with read-back rounds, as the client contract
// asks: it calls round(n) for the nth SIGUSR1 the process gets, from 1,
// on a goroutine of its own, one round at a time and in order, while the
// client's schedule goes on. A SIGUSR1 that comes during a round queues
// the next one, which begins when the round ends. (Two SIGUSR1 that come
// so close together that the process has not taken the first are one to
// the kernel and to Go's runtime: a sender waits for round n's line
// before it asks for round n+1.)
//
// Call it first thing: until it is called, SIGUSR1 kills the process (its
// default action). stop stops listening (a later SIGUSR1 is ignored),
// lets the rounds already asked for run, and returns when the last one
// has ended; the read-back on stop (round 0) comes after it. stop may be
// called more than once.
//
// round usually calls ReadBack. Where SIGUSR1 does not exist (Windows),
// Rounds never calls it.
func Rounds(round func(n int)) (stop func()) {
	r := newRounder(round)
	sig := make(chan os.Signal, 16)
	if sigUSR1 != nil {
		signal.Notify(sig, sigUSR1)
	}
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case <-sig:
				r.ask()
			case <-quit:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			if sigUSR1 != nil {
				signal.Ignore(sigUSR1) // undoes Notify: no later round, and no kill
			}
			close(quit)
			r.stop()
		})
	}
}

// rounder runs rounds 1, 2, ... one after another, as many as were asked.
type rounder struct {
	round func(int)
	wake  chan struct{} // capacity 1: a round was asked or the stop came
	done  chan struct{} // closed when the last round has ended after stop

	mu      sync.Mutex
	asked   int
	stopped bool
}

func newRounder(round func(int)) *rounder {
	r := &rounder{round: round, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go r.run()
	return r
}

// ask asks for the next round and returns its number; 0 after stop.
func (r *rounder) ask() int {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return 0
	}
	r.asked++
	n := r.asked
	r.mu.Unlock()
	r.poke()
	return n
}

func (r *rounder) poke() {
	select {
	case r.wake <- struct{}{}:
	default: // already woken
	}
}

func (r *rounder) run() {
	defer close(r.done)
	for n := 1; ; {
		r.mu.Lock()
		asked, stopped := r.asked, r.stopped
		r.mu.Unlock()
		switch {
		case n <= asked:
			r.round(n)
			n++
		case stopped:
			return
		default:
			<-r.wake
		}
	}
}

func (r *rounder) stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.poke()
	<-r.done
}

// ReadVia reads keys through one via: the client's own route ("") or one
// member address, as the client was given it. It returns a readback
// Record per key it read, in the order of keys, with Key, Found, Seq,
// Value (Shown of what it found; nil when not found) and, when known,
// Version, Role and Server of the member that answered and Start and End
// of the read that found it; ReadBack fills in the rest. When it could
// not read every key it returns an error, and the lines it did read.
type ReadVia func(via string, keys []string) ([]Record, error)

// ReadBack reads keys back for round n and writes its lines: the keys
// through the client's route (via ""), and, when the client was given
// more than one member address (addrs), through each of them as well,
// all vias at once. Then, in this order, with write:
//
//	a readback line per key read through the route   {"type":"readback","client":"c1","key":"c1-000007","seq":41,"found":true,"value":"7","round":2}
//	the same for addrs[0], addrs[1], ...              {"type":"readback",...,"via":"10.0.0.2:7000","round":2}
//	round n's round line (none for n = 0, the         {"type":"round","client":"c1","round":2}
//	read-back on stop), err naming each via that      {"type":"round","client":"c1","err":"10.0.0.3:7000: dial: connection refused","round":2}
//	failed
//
// write is the client's op-log writer: one line per call, under the lock
// its op lines take (AppendJSON into its buffer), so that lines never
// interleave. With no keys nothing is read and only the round line is
// written. ReadBack returns the route's error and the members' errors
// (joined), each nil when every key was read; a client exits 3 when the
// route of its read-back on stop failed.
func ReadBack(client string, n int, keys, addrs []string, read ReadVia, write func(*Record)) (route, members error) {
	vias := []string{""}
	if len(addrs) > 1 {
		vias = append(vias, addrs...)
	}
	recs := make([][]Record, len(vias))
	errs := make([]error, len(vias))
	if len(keys) > 0 {
		var wg sync.WaitGroup
		for i, via := range vias {
			wg.Go(func() { recs[i], errs[i] = read(via, keys) })
		}
		wg.Wait()
	}
	var failed []string
	var memberErrs []error
	for i, via := range vias {
		for j := range recs[i] {
			r := &recs[i][j]
			r.Type, r.Client, r.Round, r.Via = TypeReadback, client, n, via
			write(r)
		}
		if errs[i] == nil {
			continue
		}
		name := via
		if via == "" {
			name = "route"
			route = errs[i]
		} else {
			memberErrs = append(memberErrs, &ViaError{Via: via, Err: errs[i]})
		}
		failed = append(failed, name+": "+errs[i].Error())
	}
	if n > 0 {
		write(&Record{Type: TypeRound, Client: client, Round: n, Err: strings.Join(failed, "; ")})
	}
	if len(memberErrs) > 0 {
		members = joinErrs(memberErrs)
	}
	return route, members
}

// ViaError is a member's read that failed in ReadBack.
type ViaError struct {
	Via string // the member address, as given
	Err error
}

func (e *ViaError) Error() string { return e.Via + ": " + e.Err.Error() }
func (e *ViaError) Unwrap() error { return e.Err }

// joinErrs joins errors with "; ", on one line.
type joinedErrs []error

func joinErrs(errs []error) error { return joinedErrs(errs) }

func (j joinedErrs) Error() string {
	s := make([]string, len(j))
	for i, e := range j {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}

func (j joinedErrs) Unwrap() []error { return j }
