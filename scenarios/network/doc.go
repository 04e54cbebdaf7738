// Package network is the catalogue's suite of faults below the proxy:
// packets dropped inside a node's own network namespace (nftables, set
// by a sidecar with NET_ADMIN), where toxiproxy, between the clients and
// the services, never sees them. The standby pair's replication link
// blackholed during a switchover, and the negative control a partition
// must fail: a naive failover that makes two primaries.
//
// Faults below the proxy need Docker; the process runtime refuses every
// scenario here before anything starts (exit 2, one line), which
// framework/runner's TestRefuseFaults and cmd/hatest's setup tests check.
// The NATS cluster's network scenarios are in
// scenarios/nats/network_test.go.
package network
