package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/planner"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/settings"
	"github.com/hatest/hatest/framework/shrink"
	"github.com/hatest/hatest/reports"
)

// explain reruns the minimal plan without each item that windows of its
// failing runs are blamed on (and without what needs that item), k times
// each, and says how the outage changed. Which windows a run has varies
// (a client may reconnect before its next op), so the blame and the
// figures with the item are taken over every failing run of the minimal
// plan, those without it over the reruns.
func (sh *shrinker) explain(ctx context.Context, best shrink.Candidate) []reports.Counterfactual {
	var runs []*result.Scenario
	for _, dir := range sh.same[string(sh.plan(best).JSON())] {
		if s := readScenario(dir); s != nil && s.PlanData != nil {
			runs = append(runs, s)
		}
	}
	if len(runs) == 0 {
		return nil
	}
	blamed := map[int]int{} // item ID -> windows blamed on it
	var withMax, withTotal float64
	for _, s := range runs {
		withMax += s.Summary.MaxWindowMS / float64(len(runs))
		withTotal += s.Summary.TotalOutageMS / float64(len(runs))
		ran, err := planner.Parse(s.PlanData)
		if err != nil {
			continue
		}
		owner := map[string]int{} // event ID -> the item's ID
		for _, it := range ran.Items {
			for _, e := range it.Events {
				owner[e] = it.ID
			}
		}
		for _, w := range s.Windows {
			seen := map[int]bool{}
			for _, c := range w.Causes {
				if id, ok := owner[c]; ok && !seen[id] {
					seen[id] = true
					blamed[id]++
				}
			}
		}
	}
	var out []reports.Counterfactual
	for i, it := range sh.src.data.Items {
		if !best.Keep[i] || blamed[it.ID] == 0 {
			continue
		}
		cf := reports.Counterfactual{Item: sh.items[i].Name, Windows: blamed[it.ID], WithMaxMS: withMax, WithTotalMS: withTotal}
		without := shrink.Without(sh.items, best, i) // what needs it goes with it
		switch {
		case ctx.Err() != nil:
			cf.Verdict = "not run: shrink was stopped"
		case sh.n+sh.o.runs > sh.o.maxRuns:
			cf.Verdict = fmt.Sprintf("not run: the budget of %d runs is spent", sh.o.maxRuns)
		case !sh.valid(without.Keep):
			cf.Verdict = "not run: the plan cannot run without it (" + sh.src.data.Keep(without.Keep).Chain().Error() + ")"
		}
		if cf.Verdict != "" {
			out = append(out, cf)
			continue
		}
		same, valid, ran := 0, 0, 0
		var verdicts []string
		for range sh.o.runs {
			s, _, err := sh.runPlan(ctx, sh.plan(without))
			if err != nil {
				break
			}
			ran++
			sig := signature(s, sh.src.data.Topology.Versions)
			if sig == sh.want {
				same++
			}
			if sig != sigInvalid {
				valid++
				cf.WithoutMaxMS += s.Summary.MaxWindowMS
				cf.WithoutTotalMS += s.Summary.TotalOutageMS
			}
			if sig == "" {
				sig = "PASS"
			}
			if !slices.Contains(verdicts, sig) {
				verdicts = append(verdicts, sig)
			}
		}
		if valid > 0 {
			cf.WithoutMaxMS /= float64(valid)
			cf.WithoutTotalMS /= float64(valid)
		}
		cf.Verdict = strings.Join(verdicts, "; ")
		switch {
		case ran == 0:
			cf.Verdict = "not run: shrink was stopped"
		case valid == 0:
			cf.Verdict = sigInvalid + ": no run without it could be vouched for"
		}
		if ran > 0 {
			cf.Rate = fmt.Sprintf("%d of %d", same, ran)
		}
		out = append(out, cf)
	}
	return out
}

// shrinkSummary is shrink.json.
type shrinkSummary struct {
	Scenario     string                   `json:"scenario"`
	Package      string                   `json:"package"`
	Runtime      string                   `json:"runtime"`
	From         string                   `json:"from"` // what was shrunk: a report directory, a plan file, a scenario and seed
	Reason       string                   `json:"reason"`
	K            int                      `json:"k"`
	R            int                      `json:"r"`
	OriginalRate string                   `json:"original_rate"`
	MinimalRate  string                   `json:"minimal_rate"`
	Original     planSize                 `json:"original"`
	Minimal      planSize                 `json:"minimal"`
	Runs         int                      `json:"runs"`
	Candidates   int                      `json:"candidates"`
	Skipped      int                      `json:"skipped"`
	WallMS       float64                  `json:"wall_ms"`
	Stopped      string                   `json:"stopped,omitempty"`
	Kept         []string                 `json:"kept"`
	Removed      []string                 `json:"removed"`
	Lowered      []string                 `json:"lowered"`
	Replay       string                   `json:"replay"`
	Others       []shrinkOther            `json:"others"`
	Tried        []reports.TriedRow       `json:"tried"`
	Explain      []reports.Counterfactual `json:"explain,omitempty"`
}

type planSize struct {
	File  string `json:"file"`
	Items int    `json:"items"`
	Steps int    `json:"steps"`
}

type shrinkOther struct {
	Signature string `json:"signature"`
	Runs      int    `json:"runs"`
	Plan      string `json:"plan"` // the plan file of the first candidate that showed it
}

// write writes the minimal plan, shrink.json and shrink.html, and prints
// what shrink found. A shrink that stopped early is exit 1.
func (sh *shrinker) write(stdout, stderr io.Writer, out shrink.Outcome, best shrink.Candidate, origRate, minRate shrink.Rate, explain []reports.Counterfactual) error {
	orig := shrink.Original(sh.items)
	origPlan, minPlan := sh.plan(orig), sh.plan(best)
	minFile := filepath.Join(sh.o.out, "minimal-plan.json")
	if err := os.WriteFile(minFile, minPlan.JSON(), 0o644); err != nil {
		return usageErr("write %s: %v", minFile, err)
	}
	absMin, _ := filepath.Abs(minFile)
	sum := shrinkSummary{
		Scenario: sh.src.name, Package: sh.src.pkg, Runtime: sh.rt, From: sh.src.given, Reason: sh.want,
		K: sh.o.runs, R: sh.o.reproduce, OriginalRate: origRate.String(), MinimalRate: minRate.String(),
		Original: planSize{"original-plan.json", len(origPlan.Items), origPlan.Steps},
		Minimal:  planSize{"minimal-plan.json", len(minPlan.Items), minPlan.Steps},
		Runs:     sh.n, Candidates: out.Candidates, Skipped: out.Skipped,
		WallMS: float64(time.Since(sh.began).Milliseconds()), Stopped: out.Stopped,
		Replay: fmt.Sprintf("hatest run --runtime %s --plan %s", sh.rt, settings.ShellQuote(absMin)),
		Kept:   []string{}, Removed: []string{}, Lowered: []string{}, Others: []shrinkOther{}, Tried: []reports.TriedRow{},
		Explain: explain,
	}
	switch {
	case minRate.Runs == 0:
		sum.MinimalRate = "not measured: shrink stopped"
	case minRate.Runs < sh.o.runs:
		sum.MinimalRate += fmt.Sprintf(" (cut short: %d runs asked for)", sh.o.runs)
	}
	for i, it := range sh.items {
		if !best.Keep[i] {
			sum.Removed = append(sum.Removed, it.Name)
			continue
		}
		sum.Kept = append(sum.Kept, it.Name)
		for j, k := range it.Knobs {
			if v := best.Values[i][j]; v != k.Value {
				sum.Lowered = append(sum.Lowered, fmt.Sprintf("%s: %s %d -> %d", it.Name, k.Name, k.Value, v))
			}
		}
	}
	for i, sig := range sh.otherOrder {
		o := *sh.others[sig]
		file := filepath.Join(sh.o.out, fmt.Sprintf("other-%d.json", i+1))
		if b, err := os.ReadFile(o.Plan); err == nil && os.WriteFile(file, b, 0o644) == nil {
			o.Plan = filepath.Base(file)
		}
		sum.Others = append(sum.Others, o)
	}
	for _, t := range out.Tried {
		sum.Tried = append(sum.Tried, reports.TriedRow{Phase: t.Phase, Change: t.Change, Size: t.Size, Rate: t.Rate.String(), Reproduced: t.Reproduced, Unfinished: t.Unfinished})
	}
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sum); err != nil {
		return usageErr("shrink.json: %v", err)
	}
	if err := os.WriteFile(filepath.Join(sh.o.out, "shrink.json"), js.Bytes(), 0o644); err != nil {
		return usageErr("write shrink.json: %v", err)
	}
	page := filepath.Join(sh.o.out, "shrink.html")
	if err := sh.page(sum, origPlan, minPlan); err != nil {
		fmt.Fprintf(stderr, "hatest shrink: shrink.html not written: %v\n", err)
		page = "not written (see above); shrink.json has it all"
	}

	status := fmt.Sprintf("shrank %q from %d steps (%d items) to %d steps (%d items)", sh.src.name, origPlan.Steps, len(origPlan.Items), minPlan.Steps, len(minPlan.Items))
	if best.Size() == len(sh.items) && len(sum.Lowered) == 0 {
		status = fmt.Sprintf("%q is minimal already: no smaller plan of its %d items failed the same way", sh.src.name, len(sh.items))
	}
	if out.Stopped != "" {
		status = fmt.Sprintf("stopped early (%s): best so far for %q is %d steps (%d items) of %d (%d items)", out.Stopped, sh.src.name, minPlan.Steps, len(minPlan.Items), origPlan.Steps, len(origPlan.Items))
	}
	fmt.Fprintf(stdout, "%s in %d runs (%d candidates, %d skipped), %s\n", status, sh.n, out.Candidates, out.Skipped, (time.Since(sh.began) / time.Second * time.Second).String())
	fmt.Fprintf(stdout, "reason kept: %s\n", sh.want)
	fmt.Fprintf(stdout, "reproduces: the original %s, the minimal plan %s\n", sum.OriginalRate, sum.MinimalRate)
	fmt.Fprintln(stdout, "minimal plan:")
	for _, k := range sum.Kept {
		fmt.Fprintf(stdout, "  %s\n", k)
	}
	for _, l := range sum.Lowered {
		fmt.Fprintf(stdout, "  lowered %s\n", l)
	}
	for _, o := range sum.Others {
		fmt.Fprintf(stdout, "another failure, reported apart: %s (%d runs; plan %s)\n", o.Signature, o.Runs, filepath.Join(sh.o.out, o.Plan))
	}
	for _, cf := range explain {
		fmt.Fprintf(stdout, "without %s: %s\n", cf.Item, counterfactualLine(cf))
	}
	fmt.Fprintf(stdout, "replay: %s\n", sum.Replay)
	fmt.Fprintf(stdout, "report: %s\n", page)
	if out.Stopped != "" {
		return failed("shrink stopped early (%s); the best plan so far is %s", out.Stopped, minFile)
	}
	return nil
}

// counterfactualLine says how one counterfactual changed the outage.
func counterfactualLine(cf reports.Counterfactual) string {
	if cf.Rate == "" {
		return cf.Verdict
	}
	if strings.HasPrefix(cf.Verdict, sigInvalid) {
		return cf.Verdict
	}
	return fmt.Sprintf("max outage %.0fms -> %.0fms, total %.0fms -> %.0fms (%+.0fms); %s, failing the same way in %s",
		cf.WithMaxMS, cf.WithoutMaxMS, cf.WithTotalMS, cf.WithoutTotalMS, cf.WithoutTotalMS-cf.WithTotalMS, cf.Verdict, cf.Rate)
}

// page writes shrink.html: the original's and the minimal plan's failing
// runs side by side.
func (sh *shrinker) page(sum shrinkSummary, origPlan, minPlan planner.Data) error {
	var orig, min *result.Scenario
	if d := sh.same[string(origPlan.JSON())]; len(d) > 0 {
		orig = readScenario(d[0])
	}
	if orig == nil {
		orig = sh.src.ref
	}
	if d := sh.same[string(minPlan.JSON())]; len(d) > 0 && !bytes.Equal(minPlan.JSON(), origPlan.JSON()) {
		min = readScenario(d[0])
	}
	if orig == nil {
		return fmt.Errorf("no failing run of the original to show")
	}
	p := &reports.Shrink{
		Scenario: sum.Scenario, Package: sum.Package, Original: orig, Minimal: min, Reason: sum.Reason,
		OriginalRate: sum.OriginalRate, MinimalRate: sum.MinimalRate, OriginalSteps: origPlan.Steps, MinimalSteps: minPlan.Steps,
		Kept: sum.Kept, Removed: sum.Removed, Lowered: sum.Lowered, Runs: sum.Runs, Candidates: sum.Candidates, Skipped: sum.Skipped,
		Wall: time.Duration(sum.WallMS) * time.Millisecond, Stopped: sum.Stopped, Replay: sum.Replay, Explain: sum.Explain, Tried: sum.Tried,
	}
	for _, o := range sum.Others {
		p.Others = append(p.Others, fmt.Sprintf("%s in %d runs (plan %s)", o.Signature, o.Runs, o.Plan))
	}
	var b bytes.Buffer
	if err := reports.ShrinkHTML(&b, p); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(sh.o.out, "shrink.html"), b.Bytes(), 0o644)
}
