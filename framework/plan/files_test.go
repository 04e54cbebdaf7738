package plan

import (
	"maps"
	"testing"

	"github.com/hatest/hatest/framework/runtime"
)

func TestFile(t *testing.T) {
	sw := runtime.Software{Name: "nats-server"}
	conf := File("nats.conf", "lame_duck_duration: 30s\n")
	s := Declare("files", nil, 1, func(s *S) {
		s.Program("kv", "v1", sw, Port("4222"), conf, File("extra", ""), File("extra", "second wins"))
		s.Cluster("nats", []string{"e1", "e2"}, "v1", sw, Port("4222"), conf)
		s.Cluster("bare", []string{"b1"}, "v1", sw, Port("4222"))
	})
	want := map[string]string{"nats.conf": "lame_duck_duration: 30s\n", "extra": "second wins"}
	if got := s.programs[0].Files; !maps.Equal(got, want) {
		t.Errorf("program files %q, want %q", got, want)
	}
	if got := s.clusters[0].Spec().Files; !maps.Equal(got, map[string]string{"nats.conf": "lame_duck_duration: 30s\n"}) {
		t.Errorf("cluster files %q", got)
	}
	if got := s.clusters[1].Spec().Files; got != nil {
		t.Errorf("a cluster without File has files %q", got)
	}
	// One option used twice shares nothing between the specs it set.
	s.programs[0].Files["nats.conf"] = "changed"
	if got := s.clusters[0].Spec().Files["nats.conf"]; got != "lame_duck_duration: 30s\n" {
		t.Errorf("changing one program's files changed the cluster's: %q", got)
	}
}
