package scenario

import (
	"fmt"
	"github.com/hatest/hatest/framework/system"
	"reflect"
	"strings"
	"time"
)

// Plan is the numbered plan tree of the declared scenario, one line each,
// as it is printed before the run and by `hatest plan`.
func (s *S) Plan() []string {
	lines := []string{fmt.Sprintf("%s (seed %d)", s.name, s.seed)}
	n := 0
	add := func(text string) int {
		n++
		lines = append(lines, fmt.Sprintf("%d. %s", n, text))
		return n
	}
	top := add("start the topology")
	sub := 0
	for _, svc := range s.svcs {
		sub++
		if svc.spec.Standby {
			lines = append(lines, fmt.Sprintf("   %d.%d standby pair %q: primary driver %s, secondary driver %s, under one overlord; proxies %q and %q, replication over %q",
				top, sub, svc.Name, svc.Version, svc.spec.SecondaryVersion, svc.Name, svc.Name+"-secondary", system.ReplicationLink(svc.Name)))
		} else {
			lines = append(lines, fmt.Sprintf("   %d.%d overlord %q running driver %s, behind proxy %q", top, sub, svc.Name, svc.Version, svc.Name))
		}
	}
	lines = append(lines, s.programPlan(top, &sub)...)
	for _, c := range s.clients {
		sub++
		sp := c.spec
		v, every, mode := or(sp.Version, "v1"), sp.Interval, "recovering"
		if every == 0 {
			every = defaultInterval
		}
		if sp.Naive {
			mode = "naive"
		}
		lines = append(lines, fmt.Sprintf("   %d.%d %d %s clients (%s) -> %s, one op every %s",
			top, sub, sp.Count, mode, v, c.target.Name, every))
	}
	add(fmt.Sprintf("warm up for %s", s.warmup))
	var children func(num, indent string, st Step)
	children = func(num, indent string, st Step) {
		p, ok := st.(parent)
		if !ok {
			return
		}
		for j, ch := range p.Children() {
			n := fmt.Sprintf("%s.%d", num, j+1)
			lines = append(lines, fmt.Sprintf("%s%s %s", indent, n, stepLine(ch)))
			children(n, indent+"   ", ch)
		}
	}
	for _, st := range s.steps {
		i := add(stepLine(st))
		children(fmt.Sprint(i), "   ", st)
	}
	add(fmt.Sprintf("settle for %s", s.settle))
	add("stop the clients; each reads back the writes it saw acknowledged")
	i := add("check")
	for j, m := range s.expects {
		lines = append(lines, fmt.Sprintf("   %d.%d %s", i, j+1, matcherName(m)))
	}
	return lines
}

const defaultInterval = 5 * time.Millisecond

func stepLine(st Step) string {
	line := st.Description()
	if stepKind(st) != "step" {
		line = "[" + stepKind(st) + "] " + line
	}
	if expects(st) {
		line += "  (expects an outage)"
	}
	return line
}

func matcherName(m any) string {
	if s, ok := m.(fmt.Stringer); ok {
		return s.String()
	}
	t := reflect.TypeOf(m)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return strings.TrimSuffix(t.Name(), "Matcher")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
