package plan

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/runtime"
)

func TestProgramDeclaration(t *testing.T) {
	kv := GoSoftware("kv-server", "./cmd/server", "v1", "v2")
	if b := kv.Versions["v2"]; kv.Name != "kv-server" || len(kv.Versions) != 2 || b.Package != "./cmd/server" || b.LDFlags != "-X main.version=v2" {
		t.Fatalf("GoSoftware: %+v", kv)
	}
	s := Declare("mixed topology", nil, 1, func(s *S) {
		drv := s.Overlord("driver", "v1")
		svc := s.Program("kv", "v1", kv,
			Port("9000"),
			Args("-listen", "${LISTEN:9000}"), Args("-data", "${DATA}"),
			Env("KV_MODE", "fast"),
			ReadyHTTP("/healthz"), ReadyTimeout(5*time.Second), StopGrace(2*time.Second),
			DataDir(),
		)
		if svc.Name != "kv" || svc.Version != "v1" {
			t.Errorf("Program returned %+v", svc)
		}
		s.Clients(2, svc, ClientSoftware(runtime.Software{Name: "kv-client"}), ClientArgs("-keys", "10"))
		s.Clients(1, drv)
	})

	specs := s.programs
	if len(specs) != 1 {
		t.Fatalf("%d programs declared, want 1", len(specs))
	}
	p := specs[0]
	if p.Name != "kv" || p.Version != "v1" || p.Software.Name != "kv-server" || p.Port != "9000" ||
		!slices.Equal(p.Args, []string{"-listen", "${LISTEN:9000}", "-data", "${DATA}"}) ||
		p.Env["KV_MODE"] != "fast" || p.ReadyHTTP != "/healthz" || p.ReadyTimeout != 5*time.Second ||
		p.StopGrace != 2*time.Second || !p.DataDir {
		t.Fatalf("options not applied: %+v", p)
	}
	if c := s.clients[0].Spec; c.Software.Name != "kv-client" || !slices.Equal(c.Args, []string{"-keys", "10"}) {
		t.Fatalf("client options not applied: %+v", c)
	}
	if len(s.svcs) != 1 {
		t.Fatalf("the program was declared as an overlord too: %d overlord services", len(s.svcs))
	}

	plan := strings.Join(Build(s).Lines(), "\n")
	for _, want := range []string{
		`   1.1 overlord "driver" running driver v1, behind proxy "driver"`,
		`   1.2 program "kv" running kv-server v1, behind proxy "kv" to port 9000`,
		"   1.3 2 recovering clients (v1) -> kv",
		"   1.4 1 recovering clients (v1) -> driver",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan does not say %q:\n%s", want, plan)
		}
	}

	// Another scenario's programs are its own.
	other := Declare("overlord only", nil, 1, func(s *S) { s.Overlord("driver", "v1") })
	if n := len(other.programs); n != 0 {
		t.Fatalf("a scenario without programs has %d", n)
	}
}

// HostPort pins one program's port; a cluster has a port per member, so
// the declaration says how to pin them instead.
func TestClusterRefusesHostPort(t *testing.T) {
	var c *Cluster
	Declare("pins", nil, 1, func(s *S) {
		c = s.Cluster("kv", []string{"e1", "e2"}, "v1", runtime.Software{Name: "kv"}, Port("9000"), HostPort(19000))
	})
	if err := c.Err(); err == nil || err.Error() != "cluster kv: HostPort pins one program's port; pin each member's with Cluster.Pin(member, port, host)" {
		t.Fatalf("Err() = %v", err)
	}
}
