//go:build !unix

package health

import "os/exec"

// ownGroup leaves cmd as it is: without process groups, the cancel of its
// context kills the program alone.
func ownGroup(cmd *exec.Cmd) {}

func killGroup(cmd *exec.Cmd) {}
