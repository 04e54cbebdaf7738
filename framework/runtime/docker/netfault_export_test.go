package docker

import "context"

// NetfaultExec runs the netfault program with args in node's sidecar,
// starting the sidecar if needed, and returns what it printed: the tests
// use its dial diagnostic to make traffic from inside a node.
func (r *Runtime) NetfaultExec(ctx context.Context, node string, args ...string) (string, error) {
	n, err := r.faultNode(node)
	if err != nil {
		return "", err
	}
	id, err := n.sidecar(ctx)
	if err != nil {
		return "", err
	}
	return r.netfault(ctx, id, args...)
}
