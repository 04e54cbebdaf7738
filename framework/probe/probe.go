package probe

// Line types in an op log. Every line is one JSON object; "type" tells
// which. A line without "type" is an op.
const (
	TypeOp       = "op"
	TypeSummary  = "summary"
	TypeReadback = "readback"
	// TypeRound ends a read-back round: the client has printed a readback
	// line for every key of round Round (Err says why it could not).
	TypeRound = "round"
)

// Record is one op-log line as a client writes it. Times are Unix
// nanoseconds from the host clock.
type Record struct {
	Type   string `json:"type,omitempty"`
	Client string `json:"client"`
	N      int64  `json:"n,omitempty"` // op number within the client, from 1
	// Sched is when the op was due by the client's schedule (Unix ns):
	// t0 + (n-1)·interval. Start minus Sched is the client's own lag. Zero
	// (omitted) in logs of clients that do not say; those still parse.
	Sched   int64  `json:"sched,omitempty"`
	Class   string `json:"class,omitempty"` // "read", "write", "incr"
	Conn    string `json:"conn,omitempty"`  // "reused" or "new"
	Start   int64  `json:"start,omitempty"`
	End     int64  `json:"end,omitempty"`
	OK      bool   `json:"ok,omitempty"`
	Err     string `json:"err,omitempty"`
	Version string `json:"version,omitempty"` // driver version that answered
	Role    string `json:"role,omitempty"`    // driver role that answered
	Server  string `json:"server,omitempty"`  // driver instance that answered
	Key     string `json:"key,omitempty"`     // key written or read
	Seq     uint64 `json:"seq,omitempty"`     // sequence number acknowledged or found
	Applied int64  `json:"applied,omitempty"` // driver's clock when it applied a write

	// Summary lines only: what the client says it did.
	Sent   int64 `json:"sent,omitempty"`
	Failed int64 `json:"failed,omitempty"`
	// Interval is the client's schedule (ns between ops), when it says;
	// with Sched it gives the nominal rate and the lag.
	Interval int64 `json:"interval,omitempty"`
	// Skipped is how many ticks were due by the client's schedule before
	// it stopped but never issued (it stopped while behind). Sent plus
	// Skipped is every tick due from its first op to its stop.
	Skipped int64 `json:"skipped,omitempty"`

	// Readback lines only: whether Key was found after the run.
	Found bool `json:"found,omitempty"`

	// Value is the value written (write and incr lines: for incr, the
	// value the server returned), read (read lines) or found (readback
	// lines), as Shown gives it; nil when the client does not say. An
	// empty value is "", never nil.
	Value *string `json:"value,omitempty"`
	// Via is the member address a readback line was read through, as the
	// client was given it; empty for a read through the client's own
	// route (its primary, or its connection).
	Via string `json:"via,omitempty"`
	// Round is the read-back round of a readback or round line: N for
	// the round the client began on its Nth SIGUSR1, 0 (omitted) for the
	// read-back on stop.
	Round int `json:"round,omitempty"`
}
