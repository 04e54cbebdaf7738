package reports

import (
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/result"
)

// With two client groups the headline outage figures say they are every
// client's, and the "Client groups" table gives each group's, then every
// client's again as its last row.
func TestClientGroupsTable(t *testing.T) {
	page := scenarioHTML(t, clusterScenario())
	for _, want := range []string{
		`<div class="l">Max outage · all clients</div><div class="v">5.06 s</div>`,
		`<div class="l">Total outage · all clients</div><div class="v">5.07 s</div>`,
		`<h3>Client groups</h3>`,
		// the balanced clients' worst was 51 ms, the single-member client's 5.06 s
		`<tr class="group-row"><td><span class="mono">all</span></td><td class="num" title="c-all-1, c-all-2">2</td><td class="num">8,800</td><td class="num">50</td><td class="num">6</td><td class="num">51 ms</td><td class="num">51 ms</td><td class="num">148 ms</td><td>c-all-1</td>`,
		`<tr class="group-row"><td><span class="mono">e1-only</span></td><td class="num" title="c-e1">1</td><td class="num">4,400</td><td class="num">1,012</td><td class="num">2</td><td class="num">5.06 s</td><td class="num">5.06 s</td><td class="num">5.07 s</td><td>c-e1</td><td class="num">0</td><td class="num"><span class="warn">2</span></td>`,
		`<tfoot><tr class="group-all"><td><b>all clients</b></td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %s", want)
		}
	}
	if strings.Index(page, `<span class="mono">all</span>`) > strings.Index(page, `<span class="mono">e1-only</span>`) {
		t.Error("groups are not in the order of their first client")
	}

	// one group: its figures are the summary's; no table, no relabelling
	one := clusterScenario()
	one.Groups = one.Groups[:1]
	page = scenarioHTML(t, one)
	if strings.Contains(page, "<h3>Client groups</h3>") || strings.Contains(page, "Max outage · all clients") {
		t.Error("a scenario with one client group shows a groups table or relabels its figures")
	}
	if !strings.Contains(page, `<div class="l">Max outage</div>`) {
		t.Error("a scenario with one client group lacks the plain max outage figure")
	}

	// a group whose read-back did not run says so: 0 would be a claim
	unread := clusterScenario()
	unread.Groups[1].Integrity.Checked = false
	page = scenarioHTML(t, unread)
	if !strings.Contains(page, `<td>c-e1</td><td class="num"><span class="warn" title="the read-back did not run or did not finish: no write of these clients was checked">not checked</span></td>`) {
		t.Error("a group whose writes were not checked shows a count of lost writes")
	}

	// the clients of no named group are "(unnamed)", not an empty name
	mixed := clusterScenario()
	mixed.Groups[1].Name = ""
	mixed.Clients[1].Group = ""
	page = scenarioHTML(t, mixed)
	for _, want := range []string{`<span class="dim" title="clients the scenario put in no named group">(unnamed)</span>`, "group (unnamed) · 1 client", ">outage · (unnamed)</th>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report with unnamed clients lacks %s", want)
		}
	}
}

// Client lanes come by group, the groups in the order of their first
// client, each under a heading with its name.
func TestGroupLanes(t *testing.T) {
	s := clusterScenario() // clients c-all-1, c-e1, c-all-2
	page := scenarioHTML(t, s)
	var lanes []string
	for _, m := range regexp.MustCompile(`data-client="([^"]*)" data-group="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		lanes = append(lanes, m[1]+"@"+m[2])
	}
	if got, want := strings.Join(lanes, " "), "c-all-1@all c-all-2@all c-e1@e1-only"; got != want {
		t.Errorf("lanes %s, want %s", got, want)
	}
	heads := regexp.MustCompile(`<text class="head group-head" x="8" y="[0-9.]+">([^<]*)</text>`).FindAllStringSubmatch(page, -1)
	if len(heads) != 2 || heads[0][1] != "group all · 2 clients" || heads[1][1] != "group e1-only · 1 client" {
		t.Errorf("group headings %q", heads)
	}
	if !strings.Contains(page, "<title>c-e1, group e1-only: 2 windows (0 unexpected)</title>") {
		t.Error("a client lane's title does not name its group")
	}
	// without groups: no headings, clients in their own order
	s.Groups = nil
	for i := range s.Clients {
		s.Clients[i].Group = ""
	}
	page = scenarioHTML(t, s)
	if strings.Contains(page, `class="head group-head"`) || strings.Contains(page, "data-group=") {
		t.Error("a scenario without client groups has group headings")
	}
	var order []string
	for _, m := range regexp.MustCompile(`class="lane lane-client" data-client="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		order = append(order, m[1])
	}
	if got := strings.Join(order, " "); got != "c-all-1 c-e1 c-all-2" {
		t.Errorf("lanes without groups %s, want the clients' order", got)
	}
}

// The "Member restarts" table: a row per restart, its phases, and per
// group what the restarting step caused; what was not measured reads —.
func TestMemberRestartsTable(t *testing.T) {
	page := scenarioHTML(t, clusterScenario())
	i := strings.Index(page, "<h3>Member restarts</h3>")
	if i < 0 {
		t.Fatal("no Member restarts table")
	}
	table := page[i : i+strings.Index(page[i:], "</table>")]
	rows := regexp.MustCompile(`<tr data-member="([^"]*)">`).FindAllStringSubmatch(table, -1)
	if len(rows) != 3 || rows[0][1] != "e1" || rows[2][1] != "e3" {
		t.Fatalf("restart rows %q", rows)
	}
	for _, want := range []string{
		"<th class=\"num\" title=\"the longest and the p99 of the windows the restarting step caused to these clients\">outage · all</th>",
		"<th class=\"num\" title=\"the longest and the p99 of the windows the restarting step caused to these clients\">outage · e1-only</th>",
		`<td class="mono">2.10.0 → 2.11.0</td><td class="num">2,510 ms</td><td class="num">390 ms</td><td class="num">200 ms</td><td class="num">4,450 ms</td><td class="num"><b>5,040 ms</b></td><td class="num">50 ms<div class="dim">p99 50 ms · 2 windows</div></td><td class="num">5.06 s<div class="dim">p99 5.06 s · 2 windows</div></td>`,
		`<span class="ok">none</span>`, // e2's restart cost the e1-only client nothing
	} {
		if !strings.Contains(table, want) {
			t.Errorf("the restarts table lacks %s", want)
		}
	}
	e3 := table[strings.Index(table, `data-member="e3"`):]
	if n := strings.Count(e3, `<span class="unknown"`); n != 4 {
		t.Errorf("e3's row has %d unknown cells, want 4 (its exit and readiness were not reported)", n)
	}
	if strings.Contains(e3, ">-1") || strings.Contains(e3, ">0 ms<") {
		t.Error("an unmeasured phase is shown as a number")
	}

	// a restart no step was found for: its outage is not measured
	s := clusterScenario()
	s.Restarts[0].Step = ""
	s.Restarts[0].Groups = []result.RestartGroup{{Group: "all", MaxWindowMS: -1, P99WindowMS: -1}, {Group: "e1-only", MaxWindowMS: -1, P99WindowMS: -1}}
	page = scenarioHTML(t, s)
	row := page[strings.Index(page, `<tr data-member="e1">`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "no plan step naming this member spanned its restart") || strings.Count(row, "no window can be put down to it") != 2 {
		t.Errorf("a restart without a step: %s", row)
	}

	// without groups, one outage column, every client's
	s = clusterScenario()
	s.Groups = nil
	page = scenarioHTML(t, s)
	if !strings.Contains(page, ">outage · all clients</th>") || !strings.Contains(page, "5.06 s<div class=\"dim\">p99 5.06 s · 4 windows</div>") {
		t.Error("without groups the restarts table lacks the all-clients outage column")
	}

	// no restarts, no table
	if strings.Contains(scenarioHTML(t, sampleScenario()), "Member restarts") {
		t.Error("a scenario without restarts has a Member restarts table")
	}
}

// The index and junit.xml give the outage per group next to every
// client's.
func TestGroupsInIndexAndJUnit(t *testing.T) {
	run := &result.Run{Schema: result.Schema, Scenarios: []result.Scenario{*clusterScenario()}}
	idx := indexHTML(t, run)
	for _, want := range []string{`<div class="grp">all: 51 ms</div><div class="grp">e1-only: 5.06 s</div>`, `<div class="grp">all: 148 ms</div>`} {
		if !strings.Contains(idx, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	doc := parseJUnit(t, render(t, func(w io.Writer) error { return JUnit(w, run) }))
	props := map[string]string{}
	for _, p := range doc.Suite.Cases[0].Properties {
		props[p.Name] = p.Value
	}
	if props["group.all.max_window_ms"] != "51" || props["group.e1-only.max_window_ms"] != "5060" || props["group.e1-only.total_outage_ms"] != "5070" {
		t.Errorf("junit.xml properties %v; want each group's figures", props)
	}
}
