package docker

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// A container's output reaches the node's writers through the engine's log
// of the container, read with timestamps:
//
//	container ──stdout/stderr──▶ engine's log ──follow──▶ NodeSpec.Stdout, Stderr
//	                                  │         (ends at exit, may drop the tail)
//	                                  └──read again after the exit, from the
//	                                     last entry delivered──▶ the rest
//
// The follow stream of a container's log ends when the container exits,
// and can end before the last of what it wrote was delivered (seen: 3 to
// 300 KB of a 600 KB burst written at exit, with a few containers exiting
// at once). Once the container has exited its log is complete, so the log
// is read again from a little before the last entry delivered; the entries
// already delivered, known by their timestamps in order, are skipped. A
// follow stream that ends while the container still runs is resumed the
// same way.

// logMaxSize is the size at which the engine rotates a container's log.
// An engine rotates logs as its configuration says (max-size, max-file),
// often at 10 MB, and a follow stream does not survive a rotation intact:
// seen on engine 20.10 with max-size 10m, a 25 MB burst came out of order,
// a whole file skipped, and with max-file 3 the skipped file was deleted
// before it could be read again. A run's containers are removed at its
// end, so their logs may grow this large first.
const logMaxSize = "1g"

// logConfig is every container's log configuration: the json-file driver
// (which can be read back), rotated only at logMaxSize, keeping two files
// so that a rotation does not truncate the file being read. The mode is
// blocking whatever the engine's own default: the engine merges its
// default log options into every container's, and an engine set to
// "non-blocking" drops lines before they reach the file (seen: 10,727 of
// 20,000 lines of a burst), which no re-read can recover.
func logConfig() container.LogConfig {
	return container.LogConfig{Type: "json-file", Config: map[string]string{
		"max-size": logMaxSize, "max-file": "2", "mode": "blocking",
	}}
}

// rereadSlack is how far before the last delivered entry a read resumes:
// the engine stamps stdout and stderr entries in two goroutines, so an
// entry can sit in the log after one stamped a little later.
const rereadSlack = 2 * time.Second

// cursor is how far a container's log has been delivered.
type cursor struct {
	last int64 // the latest timestamp delivered, Unix ns; 0 before any
	// recent[head:] are the timestamps delivered within rereadSlack of
	// last, in log order.
	recent []int64
	head   int
}

// add records a delivered entry stamped ts.
func (c *cursor) add(ts int64) {
	c.last = max(c.last, ts)
	c.recent = append(c.recent, ts)
	for c.head < len(c.recent) && c.recent[c.head] < c.last-int64(rereadSlack) {
		c.head++
	}
	if c.head > len(c.recent)/2 {
		c.recent = append(c.recent[:0], c.recent[c.head:]...)
		c.head = 0
	}
}

// resume returns where a new read starts (Unix ns, 0 for the beginning)
// and the timestamps, in log order, of the entries from there that were
// delivered already: the new read's first entries.
func (c *cursor) resume() (since int64, seen []int64) {
	if c.last == 0 {
		return 0, nil
	}
	since = c.last - int64(rereadSlack)
	for _, ts := range c.recent[c.head:] {
		if ts >= since {
			seen = append(seen, ts)
		}
	}
	return since, seen
}

// copyOutput delivers everything container id writes to stdout and stderr,
// until the container has exited and its log is read to the end, or ctx
// ends. Notes about the delivery itself go to notes.
func (n *node) copyOutput(ctx context.Context, id string, stdout, stderr, notes io.Writer) {
	var cur cursor
	for attempt := 0; ; attempt++ {
		err := n.readLog(ctx, id, true, &cur, stdout, stderr, notes)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			// The log file is whole even when the stream broke: resume
			// from the cursor below, a bounded number of times.
			fmt.Fprintf(notes, "hatest: following the output of %s broke (%v); reading on from where it stopped\n", n.spec.Name, err)
			if attempt >= 50 {
				fmt.Fprintf(notes, "hatest: cannot follow the output of %s: %v\n", n.spec.Name, err)
				return
			}
		}
		ins, err := n.rt.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		switch {
		case cerrdefs.IsNotFound(err):
			return // removed: nothing left to read
		case err != nil:
			fmt.Fprintf(notes, "hatest: the output of %s may be incomplete: inspect: %v\n", n.spec.Name, err)
			return
		case ins.Container.State == nil || !ins.Container.State.Running:
			// Exited: the log is complete. Read what the stream missed.
			if err := n.readLog(ctx, id, false, &cur, stdout, stderr, notes); err != nil && ctx.Err() == nil {
				fmt.Fprintf(notes, "hatest: the output of %s may be incomplete: %v\n", n.spec.Name, err)
			}
			return
		}
		// The stream ended while the container runs: follow it again.
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// readLog reads container id's log from where cur says, following it if
// follow, and delivers each entry not delivered yet.
func (n *node) readLog(ctx context.Context, id string, follow bool, cur *cursor, stdout, stderr, notes io.Writer) error {
	since, seen := cur.resume()
	opts := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: follow, Timestamps: true}
	if since > 0 {
		opts.Since = strconv.FormatInt(since/1e9, 10) + "." + fmt.Sprintf("%09d", since%1e9)
	}
	rc, err := n.rt.cli.ContainerLogs(ctx, id, opts)
	if err != nil {
		return err
	}
	defer rc.Close()
	r := bufio.NewReaderSize(rc, 64<<10)
	var (
		hdr [8]byte
		buf []byte
	)
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		size := int(binary.BigEndian.Uint32(hdr[4:]))
		if cap(buf) < size {
			buf = make([]byte, size)
		}
		buf = buf[:size]
		if _, err := io.ReadFull(r, buf); err != nil {
			return err
		}
		var w io.Writer
		switch hdr[0] {
		case 1:
			w = stdout
		case 2:
			w = stderr
		default: // the engine's own error about the stream
			fmt.Fprintf(notes, "hatest: reading the output of %s: %s", n.spec.Name, buf)
			continue
		}
		ts, line, ok := stamped(buf)
		if !ok {
			return fmt.Errorf("log entry without a timestamp: %.40q", buf)
		}
		if len(seen) > 0 {
			if ts == seen[0] {
				seen = seen[1:]
				continue
			}
			// Not the entry expected: deliver from here on, and say so.
			fmt.Fprintf(notes, "hatest: the output of %s was read again from %s and did not match what was delivered; lines may be repeated\n",
				n.spec.Name, time.Unix(0, since).UTC().Format(time.RFC3339Nano))
			seen = nil
		}
		cur.add(ts)
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
}

// stamped splits a log entry read with timestamps into its timestamp (Unix
// ns) and the line.
func stamped(b []byte) (int64, []byte, bool) {
	for i, c := range b {
		if c == ' ' {
			t, err := time.Parse(time.RFC3339Nano, string(b[:i]))
			if err != nil {
				return 0, nil, false
			}
			return t.UnixNano(), b[i+1:], true
		}
	}
	return 0, nil, false
}
