package rttest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/hatest/hatest/framework/runtime/docker"
)

// NeedDocker fails t when no Docker engine answers, unless
// HATEST_SKIP_DOCKER=1 asks to skip it; what names the tests that need
// the engine.
func NeedDocker(t testing.TB, what string) {
	t.Helper()
	err := docker.Available(context.Background(), 3*time.Second)
	if err == nil {
		return
	}
	if os.Getenv("HATEST_SKIP_DOCKER") == "1" {
		t.Skipf("HATEST_SKIP_DOCKER=1: skipping %s: %v", what, err)
	}
	t.Fatalf("%s need a Docker engine (set HATEST_SKIP_DOCKER=1 to skip them): %v", what, err)
}

// DockerLeftovers lists the containers, networks and volumes the engine
// holds with label ("key=value"), one "container <names>", "network
// <name>" or "volume <name>" each.
func DockerLeftovers(t testing.TB, cli *client.Client, label string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f := client.Filters{}.Add("label", label)
	var out []string
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatalf("list containers: %v", err)
	}
	for _, c := range cs.Items {
		out = append(out, "container "+strings.Join(c.Names, ","))
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		t.Fatalf("list networks: %v", err)
	}
	for _, n := range ns.Items {
		out = append(out, "network "+n.Name)
	}
	vs, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		t.Fatalf("list volumes: %v", err)
	}
	for _, v := range vs.Items {
		out = append(out, "volume "+v.Name)
	}
	return out
}
