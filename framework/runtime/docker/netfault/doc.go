// Command netfault applies faults below the proxy for the Docker runtime:
// it is the program of a node's netfault sidecar, a container that joins
// the node's network namespace with NET_ADMIN and no other capability,
// and programs nftables and qdiscs there over netlink (there is no nft or
// tc in its image, which is FROM scratch). Its main process only waits;
// the runtime runs each command in it with the Docker exec API.
//
//	runtime ──exec──▶ sidecar (netfault wait) ┐ joined
//	                                          ▼
//	  node's namespace: sandbox (address, ports), program container
//	    nftables table hatest_<id> ─ chains "in" (input), "out" (output)
//	    eth0 root qdisc ─ tbf (NetRate) or netem (delay, reorder, duplicate)
//
// Commands (exit 0 on success, 1 on a failure, 2 on bad input, 3 when
// this kernel cannot do what was asked, with the reason on stderr):
//
//	netfault wait              wait for SIGTERM or SIGINT, then exit 0
//	netfault apply JSON        apply one fault; print "<id> <sent> <acked>",
//	                           Unix nanoseconds read before the change went
//	                           to the kernel and after the kernel acked it
//	netfault heal ID           remove fault ID; print "<sent> <acked>"
//	netfault probe KIND        exit 0 if this kernel can do faults of KIND
//	netfault dial ADDR [D]     a diagnostic: connect to ADDR (timeout D,
//	                           default 2s), send "ping" and print the line
//	                           that comes back
//
// JSON is a runtime.NetFault whose Peers are the peers' IP addresses, not
// their names, plus "Self", the node's own address on the run network,
// which names the interface a qdisc goes on:
//
//	{"Kind":"cut","Peers":["172.18.0.3"],"Reject":true,"Self":"172.18.0.2"}
//
// A NetCut or NetLoss becomes its own nftables table (family inet, base
// chains on the input and output hooks, policy accept), so faults add up
// and heal one by one; loopback is never matched. A NetRate is a tbf root
// qdisc on the interface that holds Self; netem kinds a netem root qdisc
// there. A kernel without sch_netem refuses the qdisc kind, and netfault
// says so ("this kernel has no sch_netem (tc qdisc kind netem is
// unknown)") and exits 3: nothing stands in for it.
//
// The Docker runtime builds it into the image hatest/netfault:<sha12>
// FROM scratch, from this package, in the user's own module, as it builds
// the pause program and toxiproxy; so it lives outside internal/.
package main
