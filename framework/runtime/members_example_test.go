package runtime_test

import (
	"fmt"

	"github.com/hatest/hatest/framework/runtime"
)

// What the second member of a three-member NATS cluster is started with,
// in Docker and as a local process.
func ExampleExpandMembers() {
	args := []string{"--name", "${NAME}", "-a", "${HOST}", "-p", "${PORT:4222}",
		"--cluster", "nats://${HOST}:${PORT:6222}", "--routes", "${OTHERS:6222:nats}"}
	names := []string{"e1", "e2", "e3"}
	ports := []string{"4222", "6222"}
	fmt.Println(runtime.ValidateMembers(args, names, ports))

	// What Reserve returned for each member, in Docker: its alias.
	docker := runtime.Members{Names: names, Addrs: map[string]map[string]string{}}
	for _, n := range names {
		docker.Addrs[n] = map[string]string{"4222": n + ":4222", "6222": n + ":6222"}
	}
	withPeers, _ := runtime.ExpandMembers(args, "e2", docker)
	spec := runtime.NodeSpec{Name: "e2", Args: withPeers, Ports: ports}
	fmt.Println(spec.ExpandArgs(func(port string) string { return ":" + port }, "/data"))

	// For processes: free ports on 127.0.0.1, where each member listens.
	local := runtime.Members{Names: names, Addrs: map[string]map[string]string{
		"e1": {"4222": "127.0.0.1:41001", "6222": "127.0.0.1:42001"},
		"e2": {"4222": "127.0.0.1:41002", "6222": "127.0.0.1:42002"},
		"e3": {"4222": "127.0.0.1:41003", "6222": "127.0.0.1:42003"},
	}}
	withPeers, _ = runtime.ExpandMembers(args, "e2", local)
	spec.Args = withPeers
	fmt.Println(spec.ExpandArgs(func(port string) string { return local.Addrs["e2"][port] }, "/tmp/run/nodes/e2/data"))

	// A template naming a member the cluster does not have.
	fmt.Println(runtime.ValidateMembers([]string{"-routes=${ADDR:e4:6222}"}, names, ports))
	// Output:
	// <nil>
	// [--name e2 -a 0.0.0.0 -p 4222 --cluster nats://0.0.0.0:6222 --routes nats://e1:6222,nats://e3:6222]
	// [--name e2 -a 127.0.0.1 -p 41002 --cluster nats://127.0.0.1:42002 --routes nats://127.0.0.1:42001,nats://127.0.0.1:42003]
	// argument "-routes=${ADDR:e4:6222}": no member e4 (members: e1, e2, e3)
}
