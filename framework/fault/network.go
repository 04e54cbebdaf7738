package fault

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
)

// A link is the path through one toxiproxy proxy, named after it: the
// service name for clients to its primary ("driver"), name+"-secondary"
// for its secondary.

// Down partitions a link: toxiproxy closes every connection and refuses
// new ones until healed.
func Down(link string) Fault { return proxyDown{link} }

// ProxyDown is Down, by its older name.
func ProxyDown(link string) Fault { return Down(link) }

type proxyDown struct{ proxy string }

func (p proxyDown) Name() string { return "partition link " + p.proxy + " (proxy down)" }

// Targets is the link.
func (p proxyDown) Targets() []string { return []string{p.proxy} }

func (p proxyDown) Inject(ctx context.Context, sys *system.System) (func(context.Context) error, error) {
	px := sys.Proxy(p.proxy)
	if px == nil {
		return nil, fmt.Errorf("no link named %q", p.proxy)
	}
	if err := px.SetEnabled(ctx, false); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error { return px.SetEnabled(ctx, true) }, nil
}

// Toxic is a toxiproxy toxic on a link; its heal removes it. Build one
// with Latency, Bandwidth, SlowClose, Timeout, ResetPeer, Slicer or
// LimitData, then narrow it with Upstream, Downstream and Toxicity.
type Toxic struct {
	link string
	t    runtime.Toxic
	desc string
}

func toxic(link, typ, desc string, attrs map[string]any) Toxic {
	return Toxic{link: link, desc: desc, t: runtime.Toxic{Type: typ, Stream: "downstream", Toxicity: 1, Attributes: attrs}}
}

// Latency delays data by d, plus or minus jitter.
func Latency(link string, d, jitter time.Duration) Toxic {
	desc := fmt.Sprintf("latency %s", d)
	if jitter > 0 {
		desc += fmt.Sprintf(" ± %s", jitter)
	}
	return toxic(link, "latency", desc, map[string]any{"latency": d.Milliseconds(), "jitter": jitter.Milliseconds()})
}

// Bandwidth limits the link to kbps kilobytes per second.
func Bandwidth(link string, kbps int) Toxic {
	return toxic(link, "bandwidth", fmt.Sprintf("bandwidth %d KB/s", kbps), map[string]any{"rate": kbps})
}

// SlowClose delays closing the connection by d.
func SlowClose(link string, d time.Duration) Toxic {
	return toxic(link, "slow_close", fmt.Sprintf("slow close %s", d), map[string]any{"delay": d.Milliseconds()})
}

// Timeout stops all data and closes the connection after d (0: never
// closes, data just stops).
func Timeout(link string, d time.Duration) Toxic {
	return toxic(link, "timeout", fmt.Sprintf("timeout %s", d), map[string]any{"timeout": d.Milliseconds()})
}

// ResetPeer resets connections with a TCP RST after d.
func ResetPeer(link string, d time.Duration) Toxic {
	return toxic(link, "reset_peer", fmt.Sprintf("reset peer after %s", d), map[string]any{"timeout": d.Milliseconds()})
}

// Slicer cuts data into packets of about avg bytes (± variation), each
// delayed by delay.
func Slicer(link string, avg, variation int, delay time.Duration) Toxic {
	return toxic(link, "slicer", fmt.Sprintf("slicer %d±%d bytes every %s", avg, variation, delay),
		map[string]any{"average_size": avg, "size_variation": variation, "delay": delay.Microseconds()})
}

// LimitData closes the connection after n bytes.
func LimitData(link string, n int) Toxic {
	return toxic(link, "limit_data", fmt.Sprintf("limit data to %d bytes", n), map[string]any{"bytes": n})
}

// Upstream applies the toxic to data from client to driver.
func (t Toxic) Upstream() Toxic { t.t.Stream = "upstream"; return t }

// Downstream applies the toxic to data from driver to client (default).
func (t Toxic) Downstream() Toxic { t.t.Stream = "downstream"; return t }

// Toxicity makes the toxic apply to a fraction p of connections (0 < p <= 1).
func (t Toxic) Toxicity(p float32) Toxic { t.t.Toxicity = p; return t }

// Name says what the toxic does, where.
func (t Toxic) Name() string {
	s := fmt.Sprintf("%s on link %s (%s)", t.desc, t.link, t.t.Stream)
	if t.t.Toxicity > 0 && t.t.Toxicity < 1 {
		s += fmt.Sprintf(", toxicity %.2f", t.t.Toxicity)
	}
	return s
}

// Targets is the link.
func (t Toxic) Targets() []string { return []string{t.link} }

// Inject adds the toxic; the heal removes it.
func (t Toxic) Inject(ctx context.Context, sys *system.System) (func(context.Context) error, error) {
	px := sys.Proxy(t.link)
	if px == nil {
		return nil, fmt.Errorf("no link named %q", t.link)
	}
	tx := t.t
	tx.Name = strings.ReplaceAll(fmt.Sprintf("hatest-%s-%s-%d", tx.Type, tx.Stream, time.Now().UnixNano()), " ", "")
	if err := px.AddToxic(ctx, tx); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error { return px.RemoveToxic(ctx, tx.Name) }, nil
}
