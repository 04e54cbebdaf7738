package rttest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// PIDs lists the processes /proc holds now (Linux), zombies included.
func PIDs(t testing.TB) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// ProcStat reads /proc/<pid>/stat (Linux) and returns the process's state
// letter ("R", "S", "T" stopped, "Z" zombie, ...) and its process group;
// state is "" when pid is gone.
func ProcStat(pid int) (state string, pgid int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0
	}
	s := string(b)
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing one. They start with state, ppid, pgrp.
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 3 {
		return "", 0
	}
	pgid, _ = strconv.Atoi(f[2])
	return f[0], pgid
}

// Alive reports whether pid exists and is not a zombie.
func Alive(pid int) bool {
	state, _ := ProcStat(pid)
	return state != "" && state != "Z"
}
