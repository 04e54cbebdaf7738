package runtime

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// validName is a name both runtimes can use as it is: for a container,
// a network alias and a directory.
var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// placeholder is "${LISTEN:<port>}" (group 2 the port, empty for
// "${LISTEN}"), or "${DATA}" (group 1).
var placeholder = regexp.MustCompile(`\$\{(LISTEN(?::([^}]*))?|DATA)\}`)

// Validate reports the first thing wrong with s, in one line that says
// what to do about it: a name a runtime cannot use, a port that is not a
// number or is listed twice, Ready, ReadyHTTP or HostPorts naming a port
// that is not in Ports, a "${LISTEN:port}" in Args for a port that is not
// in Ports, or "${DATA}" without DataDir. Both runtimes call it first in
// Start, so that they refuse the same specs with the same words.
func (s NodeSpec) Validate() error {
	if !validName.MatchString(s.Name) {
		return fmt.Errorf("invalid node name: use letters, digits, '_', '.' and '-', beginning with a letter or digit")
	}
	seen := map[string]bool{}
	for _, p := range s.Ports {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != p {
			return fmt.Errorf("port %q: want a port number from 1 to 65535, like \"7000\"", p)
		}
		if seen[p] {
			return fmt.Errorf("port %s is twice in Ports: list it once", p)
		}
		seen[p] = true
	}
	if s.Ready != "" && !seen[s.Ready] {
		return fmt.Errorf("ready port %s is not in Ports %v: add it there", s.Ready, s.Ports)
	}
	if s.ReadyHTTP != "" && s.Ready == "" {
		return fmt.Errorf("ReadyHTTP %s needs a Ready port: set Ready to the port that serves it", s.ReadyHTTP)
	}
	for _, p := range slices.Sorted(maps.Keys(s.HostPorts)) {
		if !seen[p] {
			return fmt.Errorf("host port for port %s: %s is not in Ports %v", p, p, s.Ports)
		}
		if host := s.HostPorts[p]; host < 1 || host > 65535 {
			return fmt.Errorf("host port %d for port %s: give one from 1 to 65535", host, p)
		}
	}
	for _, a := range s.Args {
		for _, m := range placeholder.FindAllStringSubmatch(a, -1) {
			switch {
			case m[1] == "DATA":
				if !s.DataDir {
					return fmt.Errorf("argument %q: ${DATA} needs a data directory: set DataDir", a)
				}
			case m[2] == "":
				return fmt.Errorf("argument %q: ${LISTEN} names no port: write ${LISTEN:7000} for port 7000", a)
			case !seen[m[2]]:
				return fmt.Errorf("argument %q: port %s is not in Ports %v: add it there", a, m[2], s.Ports)
			}
		}
	}
	return nil
}

// ExpandArgs is s.Args with each "${LISTEN:port}" replaced by listen(port),
// the address the program must listen on for that port as its runtime
// runs it (":7000" in a container, "127.0.0.1:41234" for a process), and
// each "${DATA}" by data, the data directory as the program sees it. Call
// it on a spec Validate accepts.
func (s NodeSpec) ExpandArgs(listen func(port string) string, data string) []string {
	out := make([]string, len(s.Args))
	for i, a := range s.Args {
		out[i] = placeholder.ReplaceAllStringFunc(a, func(m string) string {
			if m == "${DATA}" {
				return data
			}
			port, ok := strings.CutPrefix(m[2:len(m)-1], "LISTEN:")
			if !ok {
				return m
			}
			return listen(port)
		})
	}
	return out
}
