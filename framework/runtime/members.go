package runtime

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Members is every member of a cluster in order, with each one's internal
// address per port (from Runtime.Reserve): Addrs["e1"]["6222"] is
// "e1:6222" in Docker, "127.0.0.1:41234" for a process.
type Members struct {
	Names []string
	Addrs map[string]map[string]string
}

// memberPlaceholder is "${NAME}", "${ADDR:...}", "${PEERS:...}" or
// "${OTHERS:...}": group 1 the word, group 2 what follows its colon
// (empty without one), group 3 whether there was a colon.
var memberPlaceholder = regexp.MustCompile(`\$\{(NAME|ADDR|PEERS|OTHERS)((:)[^}]*)?\}`)

// validScheme is a URL scheme (RFC 3986): "nats", "http", "grpc+tls".
var validScheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*$`)

// memberRef is one member placeholder, parsed.
type memberRef struct {
	word   string // NAME, ADDR, PEERS, OTHERS
	member string // ADDR only
	port   string // not NAME
	scheme string // PEERS and OTHERS, optional
}

// parseMemberRef parses the placeholder m, a match of memberPlaceholder
// in argument arg. Its error is one line naming the argument.
func parseMemberRef(arg, m string) (memberRef, error) {
	g := memberPlaceholder.FindStringSubmatch(m)
	r := memberRef{word: g[1]}
	var fields []string
	if g[3] != "" {
		fields = strings.Split(g[2][1:], ":")
	}
	bad := func(want string) error {
		return fmt.Errorf("argument %q: %s: write %s", arg, m, want)
	}
	switch r.word {
	case "NAME":
		if fields != nil {
			return r, bad("${NAME} for the member's own name")
		}
	case "ADDR":
		if len(fields) != 2 || fields[0] == "" || fields[1] == "" {
			return r, bad("${ADDR:<member>:<port>}, like ${ADDR:e1:6222}")
		}
		r.member, r.port = fields[0], fields[1]
	default: // PEERS, OTHERS
		if len(fields) < 1 || len(fields) > 2 || fields[0] == "" {
			return r, bad(fmt.Sprintf("${%s:<port>} or ${%[1]s:<port>:<scheme>}, like ${%[1]s:6222:nats}", r.word))
		}
		r.port = fields[0]
		if len(fields) == 2 {
			if !validScheme.MatchString(fields[1]) {
				return r, bad(fmt.Sprintf("a URL scheme after the port, like ${%s:6222:nats}", r.word))
			}
			r.scheme = fields[1]
		}
	}
	return r, nil
}

// ExpandMembers replaces, in args of member self:
//
//	${NAME}                  self
//	${ADDR:<member>:<port>}  that member's internal host:port for port
//	${PEERS:<port>}          every member's host:port for port, comma
//	                         separated, in the order of m.Names
//	${PEERS:<port>:<scheme>} the same, each as scheme://host:port
//	${OTHERS:<port>}         as PEERS, without self (empty for a cluster
//	${OTHERS:<port>:<scheme>} of one)
//
// Other placeholders (${LISTEN:..}, ${PORT:..}, ${HOST}, ${DATA},
// ${FILE:..}) are left for NodeSpec.ExpandArgs, and anything else for the
// program. The
// error, for a placeholder it cannot fill, is one line naming the
// argument.
//
//	args, err := runtime.ExpandMembers([]string{"-routes=${OTHERS:6222:nats}"}, "e1", m)
//	// -routes=nats://e2:6222,nats://e3:6222 in Docker
func ExpandMembers(args []string, self string, m Members) ([]string, error) {
	if !slices.Contains(m.Names, self) {
		return nil, fmt.Errorf("member %s is not in the cluster (members: %s)", self, strings.Join(m.Names, ", "))
	}
	out := make([]string, len(args))
	for i, a := range args {
		var err error
		out[i] = memberPlaceholder.ReplaceAllStringFunc(a, func(ph string) string {
			if err != nil {
				return ph
			}
			var s string
			s, err = expandMember(a, ph, self, m)
			return s
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// expandMember is what the placeholder ph of argument arg stands for.
func expandMember(arg, ph, self string, m Members) (string, error) {
	r, err := parseMemberRef(arg, ph)
	if err != nil {
		return "", err
	}
	addr := func(member string) (string, error) {
		a, ok := m.Addrs[member][r.port]
		if !ok || a == "" {
			return "", fmt.Errorf("argument %q: no address for port %s of member %s: reserve it first", arg, r.port, member)
		}
		if r.scheme != "" {
			a = r.scheme + "://" + a
		}
		return a, nil
	}
	switch r.word {
	case "NAME":
		return self, nil
	case "ADDR":
		if !slices.Contains(m.Names, r.member) {
			return "", noMember(arg, r.member, m.Names)
		}
		return addr(r.member)
	}
	var list []string
	for _, name := range m.Names {
		if r.word == "OTHERS" && name == self {
			continue
		}
		a, err := addr(name)
		if err != nil {
			return "", err
		}
		list = append(list, a)
	}
	return strings.Join(list, ","), nil
}

func noMember(arg, member string, names []string) error {
	return fmt.Errorf("argument %q: no member %s (members: %s)", arg, member, strings.Join(names, ", "))
}

// ValidateMembers checks the member placeholders of args (see
// ExpandMembers) before any address is known, for a cluster of members
// names whose program listens on ports: it reports, in one line naming
// the argument, a placeholder it cannot read, a member not in names, or a
// port not in ports, e.g.
//
//	argument "-routes=${ADDR:e4:6222}": no member e4 (members: e1, e2, e3)
//
// It also refuses an empty cluster and a name listed twice.
func ValidateMembers(args []string, names []string, ports []string) error {
	if len(names) == 0 {
		return fmt.Errorf("a cluster needs at least one member")
	}
	for i, n := range names {
		if slices.Contains(names[:i], n) {
			return fmt.Errorf("member %s is twice in the cluster: name each member once", n)
		}
	}
	for _, a := range args {
		for _, ph := range memberPlaceholder.FindAllString(a, -1) {
			r, err := parseMemberRef(a, ph)
			if err != nil {
				return err
			}
			if r.word == "NAME" {
				continue
			}
			if r.word == "ADDR" && !slices.Contains(names, r.member) {
				return noMember(a, r.member, names)
			}
			if !slices.Contains(ports, r.port) {
				return fmt.Errorf("argument %q: port %s is not in Ports %v: add it there", a, r.port, ports)
			}
		}
	}
	return nil
}
