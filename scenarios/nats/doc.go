// Package nats is the catalogue's real third-party cluster: three
// members of NATS server with JetStream, built from the Go module proxy
// at two releases, upgraded, drained, killed and downgraded while probe
// clients (fixtures/natsclient) write to and read from a replicated
// key-value bucket through hatest's proxies. docs/your-own-system.md's
// cluster chapter is written from it.
package nats
