package docker

import (
	"context"
	"fmt"
	"strconv"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/hatest/hatest/framework/runtime"
)

// A node's sandbox is a container that does nothing (the pause program)
// and owns the node's network namespace for the node's whole life, as a
// Kubernetes pod's pause container does: it is on the run network with
// the node's alias, it holds the node's IP and it publishes the node's
// ports. The program's container joins that namespace
// (NetworkMode "container:<sandbox>") and has no network of its own.
//
//	client ──▶ 127.0.0.1:<pub> ──▶ sandbox netns (alias, IP, ports)
//	toxiproxy ──▶ <sandbox IP>:7000 ──┘      ▲ joined by
//	                                  program container (replaced by Restart)
//
// So when the program exits its ports refuse at once (the namespace and
// its address stay, and the kernel answers a SYN to a closed port with a
// reset), where an exited container's address would vanish and swallow
// every dial; and Restart's new container comes back on the same IP and
// the same published ports.

// pausePackage is built into the image of every node's sandbox. It is a
// package path, not internal, so that a user's module can build it, as it
// builds toxiproxy.
const pausePackage = "github.com/hatest/hatest/framework/runtime/docker/pause"

var pauseSoftware = builtin("pause", pausePackage)

// builtin is a program the runtime runs for itself (pause, toxiproxy,
// netfault): one version, "", built from pkg.
func builtin(name, pkg string) runtime.Software {
	return runtime.Software{Name: name, Versions: map[string]runtime.Build{"": {Package: pkg}}}
}

// labelSandbox marks a sandbox container, which cleanup removes after the
// containers that may have joined it.
const labelSandbox = "hatest.sandbox"

// sandboxName is the name of node name's sandbox container in run.
func sandboxName(run, name string) string { return "hatest-sandbox-" + run + "-" + name }

// startSandbox creates and starts n's sandbox, publishing n's ports on
// 127.0.0.1 (a free host port, or the one spec.HostPorts pins), and
// records its ID, address and published ports in n.
func (n *node) startSandbox(ctx context.Context) error {
	r := n.rt
	spec := n.spec
	tag, err := r.Image(ctx, pauseSoftware, "")
	if err != nil {
		return fmt.Errorf("start %s: sandbox: %w", spec.Name, err)
	}
	exposed := network.PortSet{}
	bindings := network.PortMap{}
	for _, p := range spec.Ports {
		port := network.MustParsePort(p + "/tcp")
		exposed[port] = struct{}{}
		host := "" // a free one
		if pin, ok := spec.HostPorts[p]; ok {
			host = strconv.Itoa(pin)
		}
		bindings[port] = []network.PortBinding{{HostIP: loopback, HostPort: host}}
	}
	labels := r.nodeLabels(spec.Name)
	labels[labelSandbox] = "true"
	res, err := r.cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: sandboxName(r.id, spec.Name),
		Config: &container.Config{
			Image:        tag,
			Labels:       labels,
			ExposedPorts: exposed,
		},
		HostConfig: &container.HostConfig{
			NetworkMode:    container.NetworkMode(r.network),
			PortBindings:   bindings,
			CapDrop:        []string{"ALL"},
			SecurityOpt:    []string{"no-new-privileges"},
			ReadonlyRootfs: true,
			LogConfig:      logConfig(),
		},
		NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
			r.network: {Aliases: []string{spec.Name}},
		}},
	})
	if err != nil {
		return fmt.Errorf("start %s: create sandbox: %w", spec.Name, err)
	}
	n.mu.Lock()
	n.sandbox = res.ID
	n.mu.Unlock()
	if _, err := r.cli.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
		if perr := portTaken(err, spec.HostPorts); perr != nil {
			return fmt.Errorf("start %s: %w", spec.Name, perr)
		}
		return fmt.Errorf("start %s: start sandbox: %w", spec.Name, err)
	}
	ins, err := r.cli.ContainerInspect(ctx, res.ID, client.ContainerInspectOptions{})
	if err != nil {
		return fmt.Errorf("start %s: inspect sandbox: %w", spec.Name, err)
	}
	ext, err := published(ins.Container.NetworkSettings.Ports, spec.Ports)
	if err != nil {
		return fmt.Errorf("start %s: %w", spec.Name, err)
	}
	es := ins.Container.NetworkSettings.Networks[r.network]
	if es == nil || !es.IPAddress.IsValid() {
		return fmt.Errorf("start %s: sandbox has no address on %s", spec.Name, r.network)
	}
	n.mu.Lock()
	n.external = ext
	n.ip = es.IPAddress.String()
	n.mu.Unlock()
	return nil
}

// removeSandbox removes n's sandbox, after its program's container is gone.
func (n *node) removeSandbox(ctx context.Context) error {
	n.mu.Lock()
	id := n.sandbox
	n.mu.Unlock()
	if id == "" {
		return nil
	}
	if _, err := n.rt.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove sandbox of %s: %w", n.spec.Name, err)
	}
	return nil
}
