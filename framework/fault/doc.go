// Package fault is the fault catalogue: process faults (Kill, Term, Stop,
// Pause, Restart, CrashLoop), network faults on a proxy or link (Down,
// Latency, Bandwidth and every other toxiproxy toxic), and faults below
// the proxy, on the packets nodes send each other (Partition, Isolate,
// Bridge, Ring, IsolateLeader, CutClients, Loss, RateLimit, Delay,
// Reorder, Duplicate, Blackhole), each with its heal. For holds a fault
// for a while as a plan step; the runner records the time from injection
// to heal as a fault event on the timeline, with the parts the fault acts
// on as its targets, so every outage window of a client on that path can
// be attributed to it.
//
//	s.Step(fault.For(fault.Down("driver"), 500*time.Millisecond))
//	s.Step(fault.For(fault.Isolate("nats", "e1"), 5*time.Second))
//
// Faults below the proxy need the Docker runtime, and say before anything
// starts what in the topology they cannot act on (Checked): a name it
// does not have, a share out of range, a partition that leaves a cluster
// no quorum (KeepsQuorum) unless WithoutQuorum says the scenario means it.
//
// See Example and ExamplePartition.
package fault
