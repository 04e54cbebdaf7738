package planner

import (
	"errors"
	"fmt"
	"strings"
)

// Chain checks what a plan needs of its own items, whatever the
// scenario: IDs unique, every item of a known kind, each upgrade going
// somewhere (not to the version the plan is already at) and over no
// version unless its topology allows skip hops (SkipHops, or the N-2 -> N
// entry of the matrix), a fault during an upgrade after that upgrade and
// alone with it, and a rollback's partial upgrade and its roll-back
// together, the one after the other.
// Hatest shrink keeps only plans that pass it.
func (d Data) Chain() error {
	seen := map[int]bool{}
	cur, partial := d.Start, false
	ups := map[int]bool{}
	withFault := map[int]bool{}
	for _, it := range d.Items {
		if it.ID <= 0 || seen[it.ID] {
			return fmt.Errorf("plan item %d: IDs must be unique and above 0", it.ID)
		}
		seen[it.ID] = true
		switch it.Kind {
		case KindUpgrade:
			if it.To == "" || it.To == cur {
				return fmt.Errorf("plan item %d: an upgrade from %s to %q goes nowhere", it.ID, cur, it.To)
			}
			if it.From != "" && it.From != cur {
				return fmt.Errorf("plan item %d: upgrades from %s, but the plan is at %s there", it.ID, it.From, cur)
			}
			if err := d.hop(it, cur); err != nil {
				return err
			}
			switch it.Move {
			case MovePartial:
				if partial {
					return fmt.Errorf("plan item %d: a rollback's partial upgrade before the last one was rolled back", it.ID)
				}
				partial = true
			case MoveBack:
				if !partial {
					return fmt.Errorf("plan item %d: a roll-back with no partial upgrade before it", it.ID)
				}
				partial = false
			default:
				if partial {
					return fmt.Errorf("plan item %d: an upgrade between a rollback's partial upgrade and its roll-back", it.ID)
				}
			}
			cur = it.To
			ups[it.ID] = true
		case KindFault:
			if it.Rule == "" {
				return fmt.Errorf("plan item %d: a fault with no rule", it.ID)
			}
			if it.During != 0 {
				if !ups[it.During] {
					return fmt.Errorf("plan item %d: a fault during item %d, which is no upgrade before it", it.ID, it.During)
				}
				if withFault[it.During] {
					return fmt.Errorf("plan item %d: a second fault during item %d", it.ID, it.During)
				}
				withFault[it.During] = true
			}
		default:
			return fmt.Errorf("plan item %d: kind %q; want %s or %s", it.ID, it.Kind, KindUpgrade, KindFault)
		}
		if it.AfterMS < 0 || it.LeadMS < 0 || it.PrepareMS < 0 {
			return fmt.Errorf("plan item %d: a wait below 0", it.ID)
		}
	}
	if partial {
		return errors.New("plan ends between a rollback's partial upgrade and its roll-back")
	}
	return nil
}

// hop checks that an upgrade from cur to it.To skips no version its
// topology does not allow to skip, and that its move is one the planner
// knows. Versions not in the topology are For's to refuse.
func (d Data) hop(it Item, cur string) error {
	switch it.Move {
	case MoveUp, MoveDown, MovePartial, MoveBack, "":
	default:
		return fmt.Errorf("plan item %d: move %q; want %s, %s, %s or %s", it.ID, it.Move, MoveUp, MoveDown, MovePartial, MoveBack)
	}
	vs := d.Topology.Versions
	from, to := indexOf(vs, cur), indexOf(vs, it.To)
	if from < 0 || to < 0 || to <= from+1 || d.Topology.SkipHops || d.Topology.Kind == SkipVersion.String() {
		return nil
	}
	return fmt.Errorf("plan item %d: upgrades %s -> %s over %s, and the scenario's plans skip no version (SkipHops)", it.ID, cur, it.To, strings.Join(vs[from+1:to], ", "))
}

// Needs are the indexes of the items the item at index i cannot run
// without: the upgrade a fault runs during, and a rollback's partial
// upgrade and its roll-back, each other's.
func (d Data) Needs(i int) []int {
	it := d.Items[i]
	var out []int
	for j, o := range d.Items {
		switch {
		case it.During != 0 && o.ID == it.During:
			out = append(out, j)
		case it.Move == MovePartial && o.Move == MoveBack && j == d.nextUpgrade(i):
			out = append(out, j)
		case it.Move == MoveBack && o.Move == MovePartial && d.nextUpgrade(j) == i:
			out = append(out, j)
		}
	}
	return out
}

// nextUpgrade is the index of the first upgrade after index i, or -1.
func (d Data) nextUpgrade(i int) int {
	for j := i + 1; j < len(d.Items); j++ {
		if d.Items[j].Kind == KindUpgrade {
			return j
		}
	}
	return -1
}

// Keep is the plan with only the items keep says, in order, each
// upgrade's From set to where the plan then is, and its length and
// final version set (Build sets its length).
func (d Data) Keep(keep []bool) Data {
	out := d
	out.Items = nil
	cur := d.Start
	for i, it := range d.Items {
		if !keep[i] {
			continue
		}
		if it.Kind == KindUpgrade {
			it.From, cur = cur, it.To
		}
		out.Items = append(out.Items, it)
	}
	out.Final, out.Steps = cur, 0
	return out
}

// renumber numbers the items 1, 2, ... in order, keeping each fault
// with the upgrade it runs during.
func (d *Data) renumber() {
	ids := map[int]int{}
	for i := range d.Items {
		ids[d.Items[i].ID] = i + 1
		d.Items[i].ID = i + 1
	}
	for i := range d.Items {
		if d.Items[i].During != 0 {
			d.Items[i].During = ids[d.Items[i].During]
		}
	}
}
