package system_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// exampleClient is the example system's probe client, which keeps the
// read-back contract.
var exampleClient = runtime.Software{Name: "example-client", Versions: map[string]runtime.Build{
	"v1": {Package: "github.com/hatest/hatest/fixtures/example/client"},
}}

// Two read-back rounds of two real clients: each ends its round before
// ReadBack returns, with a readback line of that round for keys it wrote,
// and the rounds are events on the timeline.
func TestReadBackRounds(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	svc, err := sys.StartService(ctx, kvSpec())
	if err != nil {
		t.Fatal(err)
	}
	clients, err := sys.StartClients(ctx, system.ClientSpec{Count: 2, Addrs: svc.Addrs(), Software: exampleClient, Interval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	for want := 1; want <= 2; want++ {
		n, err := sys.ReadBack(ctx, "in a test", 20*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("round %d, want %d", n, want)
		}
		for _, c := range clients {
			if got, why := c.Log.Round(); got != n || why != "" {
				t.Errorf("client %s: last round %d (%q) after ReadBack returned round %d", c.Name, got, why, n)
			}
			lines := 0
			for _, r := range c.Log.Records() {
				if r.Type == probe.TypeReadback && r.Round == n {
					lines++
				}
			}
			if lines == 0 {
				t.Errorf("client %s printed no readback line in round %d", c.Name, n)
			}
		}
	}
	found := map[string]string{}
	for _, e := range sys.Events.Events() {
		found[e.ID] = e.Desc
	}
	if found[timeline.RoundEventID(1)] != "read-back round 1: in a test" || found[timeline.RoundEventID(2)] == "" {
		t.Errorf("round events: %v", found)
	}
	if err := sys.StopClients(ctx, 10*time.Second); err != nil {
		t.Fatal(err)
	}
}

// A client that dies instead of ending its round is named at once, with
// its exit code, not after the round's whole timeout. (The example server
// stands in for a client that keeps no contract: it exits on the client's
// flags, or, when the signal comes first, of SIGUSR1, which it does not
// handle.)
func TestReadBackNamesADeadClient(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	svc, err := sys.StartService(ctx, kvSpec())
	if err != nil {
		t.Fatal(err)
	}
	deaf := runtime.Software{Name: "deaf", Versions: map[string]runtime.Build{"v1": kv.Versions["v1"]}}
	if _, err := sys.StartClients(ctx, system.ClientSpec{Count: 1, Addrs: svc.Addrs(), Software: deaf}); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	_, err = sys.ReadBack(ctx, "", 30*time.Second)
	// 2 when it exits on the client's flags first, 138 when SIGUSR1 kills
	// it first: either way it is gone, and named.
	if err == nil || !regexp.MustCompile(`client c1 exited with code (2|138) instead of reading back round 1`).MatchString(err.Error()) {
		t.Fatalf("err = %v", err)
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("the dead client was named after %s, not at once", took)
	}
}
