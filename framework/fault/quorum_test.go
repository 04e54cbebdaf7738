package fault_test

import (
	"slices"
	"testing"

	"github.com/hatest/hatest/framework/fault"
)

// both is the pairs a two-way cut between a and b blocks.
func both(pairs ...[2]string) [][2]string {
	var out [][2]string
	for _, p := range pairs {
		out = append(out, p, [2]string{p[1], p[0]})
	}
	return out
}

func TestKeepsQuorum(t *testing.T) {
	three := []string{"e1", "e2", "e3"}
	four := []string{"e1", "e2", "e3", "e4"}
	five := []string{"e1", "e2", "e3", "e4", "e5"}
	tests := []struct {
		name    string
		members []string
		blocked [][2]string
		down    []string
		want    bool
	}{
		{"nothing cut", three, nil, nil, true},
		{"no members", nil, nil, nil, true},
		{"one member", []string{"e1"}, nil, nil, true},
		{"one member, down", []string{"e1"}, nil, []string{"e1"}, false},
		{"two members cut apart", []string{"e1", "e2"}, both([2]string{"e1", "e2"}), nil, false},
		{"two members, one way is enough to break them", []string{"e1", "e2"}, [][2]string{{"e2", "e1"}}, nil, false},
		{"two members, one down", []string{"e1", "e2"}, nil, []string{"e2"}, false},
		{"three, one isolated", three, both([2]string{"e1", "e2"}, [2]string{"e1", "e3"}), nil, true},
		{"three, one isolated and another down", three, both([2]string{"e1", "e2"}, [2]string{"e1", "e3"}), []string{"e3"}, false},
		{"three, one down", three, nil, []string{"e2"}, true},
		{"three, all cut from each other", three, both([2]string{"e1", "e2"}, [2]string{"e1", "e3"}, [2]string{"e2", "e3"}), nil, false},
		{"three, a bridge: e2 reaches both", three, both([2]string{"e1", "e3"}), nil, true},
		{"three, one way cuts from e1 to the others", three, [][2]string{{"e1", "e2"}, {"e1", "e3"}}, nil, true},
		{"four split two and two", four, both([2]string{"e1", "e3"}, [2]string{"e1", "e4"}, [2]string{"e2", "e3"}, [2]string{"e2", "e4"}), nil, false},
		{"four, one isolated", four, both([2]string{"e1", "e2"}, [2]string{"e1", "e3"}, [2]string{"e1", "e4"}), nil, true},
		{"four, a ring", four, both([2]string{"e1", "e3"}, [2]string{"e2", "e4"}), nil, true},
		{"five split two and three", five, both([2]string{"e1", "e3"}, [2]string{"e1", "e4"}, [2]string{"e1", "e5"}, [2]string{"e2", "e3"}, [2]string{"e2", "e4"}, [2]string{"e2", "e5"}), nil, true},
		{"five split two and three, one of the three down", five, both([2]string{"e1", "e3"}, [2]string{"e1", "e4"}, [2]string{"e1", "e5"}, [2]string{"e2", "e3"}, [2]string{"e2", "e4"}, [2]string{"e2", "e5"}), []string{"e5"}, false},
		{"pairs with strangers do not count", three, both([2]string{"e1", "x"}, [2]string{"e2", "y"}, [2]string{"e3", "z"}), nil, true},
	}
	for _, tt := range tests {
		if got := fault.KeepsQuorum(tt.members, tt.blocked, tt.down...); got != tt.want {
			t.Errorf("%s: KeepsQuorum(%v, %v, down %v) = %v, want %v", tt.name, tt.members, tt.blocked, tt.down, got, tt.want)
		}
	}
}

// Each cut blocks the pairs its doc says, for the quorum check and the
// planner alike.
func TestBlocked(t *testing.T) {
	five := []string{"e1", "e2", "e3", "e4", "e5"}
	tests := []struct {
		name    string
		cut     *fault.Cut
		members []string
		want    [][2]string
	}{
		{"partition", fault.Partition([]string{"e1", "e2"}, []string{"e3"}), nil,
			[][2]string{{"e1", "e3"}, {"e2", "e3"}, {"e3", "e1"}, {"e3", "e2"}}},
		{"partition, one way", fault.Partition([]string{"e1", "e2"}, []string{"e3"}).OneWay(), nil,
			[][2]string{{"e1", "e3"}, {"e2", "e3"}}},
		{"isolate", fault.Isolate("c", "e2"), []string{"e1", "e2", "e3"},
			[][2]string{{"e2", "e1"}, {"e2", "e3"}, {"e1", "e2"}, {"e3", "e2"}}},
		{"isolate, one way", fault.Isolate("c", "e2").OneWay(), []string{"e1", "e2", "e3"},
			[][2]string{{"e2", "e1"}, {"e2", "e3"}}},
		{"the leader stands as the first member", fault.IsolateLeader("c", nil).OneWay(), []string{"e1", "e2", "e3"},
			[][2]string{{"e1", "e2"}, {"e1", "e3"}}},
		{"bridge of five: e1 e2 | e4 e5", fault.Bridge("c", "e3").OneWay(), five,
			[][2]string{{"e1", "e4"}, {"e1", "e5"}, {"e2", "e4"}, {"e2", "e5"}}},
		{"bridge of four: the first half takes the odd one", fault.Bridge("c", "e1").OneWay(), []string{"e1", "e2", "e3", "e4"},
			[][2]string{{"e2", "e4"}, {"e3", "e4"}}},
		{"ring of five", fault.Ring("c").OneWay(), five,
			[][2]string{{"e1", "e3"}, {"e1", "e4"}, {"e2", "e4"}, {"e2", "e5"}, {"e3", "e5"}}},
		{"ring of five, both ways", fault.Ring("c"), five,
			[][2]string{{"e1", "e3"}, {"e1", "e4"}, {"e2", "e4"}, {"e2", "e5"}, {"e3", "e5"}, {"e3", "e1"}, {"e4", "e1"}, {"e4", "e2"}, {"e5", "e2"}, {"e5", "e3"}}},
		{"ring of three cuts nothing", fault.Ring("c"), []string{"e1", "e2", "e3"}, nil},
		{"clients: no pair of members", fault.CutClients("c", "e1"), []string{"e1", "e2", "e3"}, nil},
	}
	for _, tt := range tests {
		if got := tt.cut.Blocked(tt.members); !slices.Equal(got, tt.want) {
			t.Errorf("%s: blocked %v, want %v", tt.name, got, tt.want)
		}
	}
}
