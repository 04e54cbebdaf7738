package runtime

import (
	"fmt"
	"maps"
	"net"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// validName is a name both runtimes can use as it is: for a container,
// a network alias and a directory.
var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// placeholder is "${LISTEN:<port>}", "${PORT:<port>}" or
// "${FILE:<name>}" (group 1 the word, group 2 the port or file name,
// empty for "${LISTEN}"), or "${HOST}" or "${DATA}" (group 3).
var placeholder = regexp.MustCompile(`\$\{(?:(LISTEN|PORT|FILE)(?::([^}]*))?|(HOST|DATA))\}`)

// Validate reports the first thing wrong with s, in one line that says
// what to do about it: a name a runtime cannot use, a port that is not a
// number or is listed twice, Ready, ReadyHTTP or HostPorts naming a port
// that is not in Ports, a "${LISTEN:port}" or "${PORT:port}" in Args for
// a port that is not in Ports, "${HOST}" in a spec without Ports,
// "${DATA}" without DataDir, a name of Files that is not a plain file
// name, or a "${FILE:name}" for a file that is not in Files. Both
// runtimes call it first in Start and Reserve, so that they refuse the
// same specs with the same words.
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
	files := slices.Sorted(maps.Keys(s.Files))
	for _, f := range files {
		if f == "" || f == "." || f == ".." || strings.ContainsAny(f, "/\x00") {
			return fmt.Errorf("file name %q: use a plain file name, without '/' and not \".\" or \"..\", like \"nats.conf\"", f)
		}
	}
	for _, a := range s.Args {
		for _, m := range placeholder.FindAllStringSubmatch(a, -1) {
			switch {
			case m[3] == "DATA":
				if !s.DataDir {
					return fmt.Errorf("argument %q: ${DATA} needs a data directory: set DataDir", a)
				}
			case m[3] == "HOST":
				if len(s.Ports) == 0 {
					return fmt.Errorf("argument %q: ${HOST} is where the program listens, and Ports is empty: list its ports there", a)
				}
			case m[1] == "FILE" && m[2] == "":
				return fmt.Errorf("argument %q: ${FILE} names no file: write ${FILE:nats.conf} for the file nats.conf of Files", a)
			case m[1] == "FILE":
				if _, ok := s.Files[m[2]]; !ok {
					return fmt.Errorf("argument %q: file %s is not in Files %v: add it there", a, m[2], files)
				}
			case m[2] == "":
				return fmt.Errorf("argument %q: ${%s} names no port: write ${%[2]s:7000} for port 7000", a, m[1])
			case !seen[m[2]]:
				return fmt.Errorf("argument %q: port %s is not in Ports %v: add it there", a, m[2], s.Ports)
			}
		}
	}
	return nil
}

// ExpandArgs is s.Args with the runtime's placeholders replaced:
//
//	${LISTEN:p}  listen(p), the address the program must listen on for
//	             port p as its runtime runs it: ":7000" in a container,
//	             "127.0.0.1:41234" for a process
//	${PORT:p}    the port of that address: "7000", "41234"
//	${HOST}      its host, the same for every port: "0.0.0.0" in a
//	             container (listen gives none: every interface),
//	             "127.0.0.1" for a process
//	${DATA}      data, the data directory as the program sees it
//	${FILE:f}    files/f, the file f of Files as the program sees it:
//	             "/hatest/files/nats.conf" in a container; files is the
//	             directory the runtime put Files in (left as it is
//	             when files is not given)
//
// listen must return "host:port", host possibly empty; files, one
// directory, is optional so that a spec without Files needs none. Call
// ExpandArgs on a spec Validate accepts. ${HOST} and ${PORT:p} are for programs that
// take the host and the port apart ("-a ${HOST} -p ${PORT:4222}");
// "${HOST}:${PORT:p}" is the address ${LISTEN:p} gives, written out.
func (s NodeSpec) ExpandArgs(listen func(port string) string, data string, files ...string) []string {
	out := make([]string, len(s.Args))
	for i, a := range s.Args {
		out[i] = placeholder.ReplaceAllStringFunc(a, func(m string) string {
			g := placeholder.FindStringSubmatch(m)
			switch {
			case g[3] == "DATA":
				return data
			case g[3] == "HOST":
				if len(s.Ports) == 0 {
					return m // Validate refuses it
				}
				host, _ := splitListen(listen(s.Ports[0]))
				return host
			case g[2] == "":
				return m // Validate refuses it
			case g[1] == "FILE":
				if _, ok := s.Files[g[2]]; !ok || len(files) == 0 {
					return m // Validate refuses the first
				}
				return path.Join(files[0], g[2])
			case g[1] == "LISTEN":
				return listen(g[2])
			case g[1] == "PORT":
				_, port := splitListen(listen(g[2]))
				return port
			}
			return m
		})
	}
	return out
}

// splitListen splits a listen address into host and port; an empty or
// missing host, which means every interface, is "0.0.0.0".
func splitListen(addr string) (host, port string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "0.0.0.0", addr
	}
	if host == "" {
		host = "0.0.0.0"
	}
	return host, port
}
