// Package auto chooses a runtime and makes one: Docker when an engine
// answers, local processes otherwise, or the one asked for.
//
//	name, why, err := auto.Choose(ctx, "auto") // "docker", "auto: a docker engine answered in 12ms"
//	rt, err := auto.New(ctx, name, "3f9a01c2")
package auto

import (
	"context"
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/docker"
	"github.com/hatest/hatest/framework/runtime/process"
)

// Choose resolves "auto", "docker" or "process" ("" is auto). auto picks
// Docker when an engine answers within two seconds, else process. why is
// one line that says which and why.
func Choose(ctx context.Context, want string) (name, why string, err error) {
	switch want {
	case "", "auto":
		start := time.Now()
		if err := docker.Available(ctx, 2*time.Second); err != nil {
			return "process", "auto: no docker engine answered, so local processes", nil
		}
		return "docker", fmt.Sprintf("auto: a docker engine answered in %s", time.Since(start).Round(time.Millisecond)), nil
	case "docker":
		if err := docker.Available(ctx, 5*time.Second); err != nil {
			return "", "", fmt.Errorf("%w", err)
		}
		return "docker", "asked for docker", nil
	case "process":
		return "process", "asked for local processes", nil
	}
	return "", "", fmt.Errorf("unknown runtime %q: use auto, docker or process", want)
}

// New makes a fresh runtime called name ("docker" or "process") for one
// scenario, so that each has its own network and leaves nothing behind.
// It returns what it made even on error, so that it can be closed.
func New(ctx context.Context, name, runID string) (runtime.Runtime, error) {
	switch name {
	case "docker":
		return docker.New(ctx, docker.WithRunID(runID))
	case "process":
		return process.New(ctx, process.WithRunID(runID))
	}
	return nil, fmt.Errorf("no runtime %q", name)
}

// Sweep removes what dead runs of the named runtime left behind, and
// says how many resources that was (only Docker leaves any).
func Sweep(ctx context.Context, name string) (int, error) {
	if name != "docker" {
		return 0, nil
	}
	return docker.Sweep(ctx)
}
