// Package build turns Go programs into static binaries (CGO_ENABLED=0),
// cached, so that both runtimes run the very same bytes: the process
// runtime executes them, the Docker runtime copies them into an image FROM
// scratch.
//
// Binary builds a package of this module (or one it requires), cached by
// content hash:
//
//	path, err := build.Binary(ctx, "./fixtures/driver", "-X main.version=v2")
//
// It links once for its inputs, not once a process: go list -deps -export
// names the inputs without linking (the build ID of every package in the
// binary, which changes with any source, flag or toolchain), and
// CacheDir()/index/ maps them and the ldflags to the binary built for
// them by any process before. A run of the reference system, fifteen
// builds, then starts without running go build at all.
//
// Suite compiles a package's tests (go test -c) the same way, linked once
// for its inputs (go list -test -deps -export), so that hatest runs a
// suite it compiled before without linking it again:
//
//	bin, err := build.Suite(ctx, "./scenarios")
//
// The cache keeps the last two binaries of each suite package.
//
// Module builds a released program from the Go module proxy, cached by
// module, version and package, so that two releases of one product can
// sit in one suite:
//
//	older, err := build.Module(ctx, "github.com/nats-io/nats-server/v2", "v2.14.10", "")
//	newer, err := build.Module(ctx, "github.com/nats-io/nats-server/v2", "v2.15.3", "")
//
//	CacheDir()/modules/nats-server-v2.14.10-2974ff0d-*/   throwaway, removed after
//	  go.mod    module hatest.build/throwaway
//	  go get github.com/nats-io/nats-server/v2@v2.14.10
//	  go build -trimpath -ldflags "-s -w" -o bin github.com/nats-io/nats-server/v2
//	        │ rename
//	        ▼
//	CacheDir()/nats-server-v2.14.10-2974ff0d              kept; the next call returns it
//
// Each release is built in a module of its own, so their dependencies never
// meet. The environment's GOPROXY, GOFLAGS and other go settings apply.
// Builds of one binary take turns, in one process and across processes
// (a lock file), so it is built once. Bad input (an empty module, a version
// that is not a full vMAJOR.MINOR.PATCH) is refused before go runs; what go
// refuses comes back as one line saying what to do, such as
//
//	build github.com/nats-io/nats-server/v2@v2.99.0: the module proxy does not serve that version: name a released version, such as v2.15.3 (go list -m -versions github.com/nats-io/nats-server/v2 lists them)
//
// (ExampleBinary and ExampleModule, in example_test.go.)
package build
