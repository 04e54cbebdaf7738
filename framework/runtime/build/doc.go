// Package build turns a Go package into a static binary (CGO_ENABLED=0),
// cached by content hash, so that both runtimes run the very same bytes:
// the process runtime executes it, the Docker runtime copies it into an
// image FROM scratch.
//
//	path, err := build.Binary(ctx, "./fixtures/driver", "-X main.version=v2")
//
// (ExampleBinary, in example_test.go.)
package build
