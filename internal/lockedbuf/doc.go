// Package lockedbuf has the one buffer that several goroutines may write
// and read at once: a node's or a client's output as it streams in, read
// while it is still being written.
//
//	var out lockedbuf.Buffer
//	cmd.Stdout, cmd.Stderr = &out, &out // or NodeSpec.Stdout, Stderr
//	...
//	fmt.Println(out.String())           // what was written so far
//
// Example, in example_test.go, runs a command into one.
package lockedbuf
