package runtime

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// cluster is three members as Docker reserves them (aliases) and as the
// process runtime does (free ports on 127.0.0.1).
func cluster(docker bool) Members {
	m := Members{Names: []string{"e1", "e2", "e3"}, Addrs: map[string]map[string]string{}}
	for i, name := range m.Names {
		if docker {
			m.Addrs[name] = map[string]string{"4222": name + ":4222", "6222": name + ":6222"}
			continue
		}
		m.Addrs[name] = map[string]string{"4222": fmt.Sprintf("127.0.0.1:4000%d", i+1), "6222": fmt.Sprintf("127.0.0.1:6000%d", i+1)}
	}
	return m
}

func TestExpandMembers(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		self   string
		docker bool
		want   []string
	}{
		{"none", nil, "e1", true, []string{}},
		{"untouched", []string{"-v", "--name=x"}, "e1", true, []string{"-v", "--name=x"}},
		{"name", []string{"--server_name=${NAME}", "${NAME}-${NAME}"}, "e2", true, []string{"--server_name=e2", "e2-e2"}},
		{"addr", []string{"-seed=${ADDR:e1:6222}", "-self=${ADDR:e3:4222}"}, "e3", true,
			[]string{"-seed=e1:6222", "-self=e3:4222"}},
		{"addr, process", []string{"${ADDR:e2:6222}"}, "e1", false, []string{"127.0.0.1:60002"}},
		{"peers", []string{"-peers=${PEERS:6222}"}, "e2", true, []string{"-peers=e1:6222,e2:6222,e3:6222"}},
		{"peers with a scheme", []string{"--routes=${PEERS:6222:nats}"}, "e2", true,
			[]string{"--routes=nats://e1:6222,nats://e2:6222,nats://e3:6222"}},
		{"others", []string{"-join", "${OTHERS:6222}"}, "e2", true, []string{"-join", "e1:6222,e3:6222"}},
		{"others with a scheme, process", []string{"--routes=${OTHERS:6222:nats}"}, "e1", false,
			[]string{"--routes=nats://127.0.0.1:60002,nats://127.0.0.1:60003"}},
		{"scheme with plus and dot", []string{"${OTHERS:4222:grpc+tls.v1}"}, "e3", true,
			[]string{"grpc+tls.v1://e1:4222,grpc+tls.v1://e2:4222"}},
		{"several in one argument", []string{"${NAME}@${ADDR:e1:4222}|${OTHERS:4222}"}, "e1", true,
			[]string{"e1@e1:4222|e2:4222,e3:4222"}},
		{"runtime placeholders left for ExpandArgs", []string{"-listen=${LISTEN:6222}", "-p", "${PORT:4222}", "-a", "${HOST}", "${DATA}/${NAME}"}, "e1", true,
			[]string{"-listen=${LISTEN:6222}", "-p", "${PORT:4222}", "-a", "${HOST}", "${DATA}/e1"}},
		{"other placeholders left for the program", []string{"${HOME}", "$NAME", "${name}", "${NAMES}", "${PEER:1}"}, "e1", true,
			[]string{"${HOME}", "$NAME", "${name}", "${NAMES}", "${PEER:1}"}},
	}
	for _, tt := range tests {
		got, err := ExpandMembers(tt.args, tt.self, cluster(tt.docker))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestExpandMembersOneMember(t *testing.T) {
	m := Members{Names: []string{"solo"}, Addrs: map[string]map[string]string{"solo": {"6222": "solo:6222"}}}
	got, err := ExpandMembers([]string{"-routes=${OTHERS:6222:nats}", "${PEERS:6222}"}, "solo", m)
	if err != nil || !slices.Equal(got, []string{"-routes=", "solo:6222"}) {
		t.Fatalf("a cluster of one: %q, %v; want no others and itself as the peers", got, err)
	}
}

func TestExpandMembersErrors(t *testing.T) {
	m := cluster(true)
	noAddr := cluster(true)
	delete(noAddr.Addrs["e3"], "6222")
	tests := []struct {
		name string
		args []string
		self string
		m    Members
		want string // the whole message
	}{
		{"self not a member", []string{"${NAME}"}, "e4", m, "member e4 is not in the cluster (members: e1, e2, e3)"},
		{"unknown member", []string{"-routes=${ADDR:e4:6222}"}, "e1", m,
			`argument "-routes=${ADDR:e4:6222}": no member e4 (members: e1, e2, e3)`},
		{"port without an address", []string{"-x", "${ADDR:e1:7000}"}, "e1", m,
			`argument "${ADDR:e1:7000}": no address for port 7000 of member e1: reserve it first`},
		{"one member without an address", []string{"${PEERS:6222}"}, "e1", noAddr,
			`argument "${PEERS:6222}": no address for port 6222 of member e3: reserve it first`},
		{"others without an address", []string{"${OTHERS:6222:nats}"}, "e1", noAddr,
			`argument "${OTHERS:6222:nats}": no address for port 6222 of member e3: reserve it first`},
		{"others without an address but self's", []string{"${OTHERS:6222}"}, "e1", Members{Names: m.Names,
			Addrs: map[string]map[string]string{"e1": {"6222": "e1:6222"}}},
			`argument "${OTHERS:6222}": no address for port 6222 of member e2: reserve it first`},
		{"no addresses at all", []string{"${ADDR:e2:6222}"}, "e1", Members{Names: m.Names},
			`argument "${ADDR:e2:6222}": no address for port 6222 of member e2: reserve it first`},
		{"the first bad argument", []string{"ok", "${ADDR:x:1}", "${ADDR:y:1}"}, "e1", m,
			`argument "${ADDR:x:1}": no member x (members: e1, e2, e3)`},
	}
	for _, tt := range tests {
		got, err := ExpandMembers(tt.args, tt.self, tt.m)
		switch {
		case err == nil:
			t.Errorf("%s: %q, want error %q", tt.name, got, tt.want)
		case err.Error() != tt.want:
			t.Errorf("%s:\n got %q\nwant %q", tt.name, err, tt.want)
		}
	}
}

// syntax are placeholders that neither function can read, with the error
// both give for them.
var syntax = []struct{ arg, want string }{
	{"${NAME:e1}", `argument "${NAME:e1}": ${NAME:e1}: write ${NAME} for the member's own name`},
	{"${NAME:}", `argument "${NAME:}": ${NAME:}: write ${NAME} for the member's own name`},
	{"-s=${ADDR}", `argument "-s=${ADDR}": ${ADDR}: write ${ADDR:<member>:<port>}, like ${ADDR:e1:6222}`},
	{"${ADDR:e1}", `argument "${ADDR:e1}": ${ADDR:e1}: write ${ADDR:<member>:<port>}, like ${ADDR:e1:6222}`},
	{"${ADDR:e1:}", `argument "${ADDR:e1:}": ${ADDR:e1:}: write ${ADDR:<member>:<port>}, like ${ADDR:e1:6222}`},
	{"${ADDR::6222}", `argument "${ADDR::6222}": ${ADDR::6222}: write ${ADDR:<member>:<port>}, like ${ADDR:e1:6222}`},
	{"${ADDR:e1:6222:nats}", `argument "${ADDR:e1:6222:nats}": ${ADDR:e1:6222:nats}: write ${ADDR:<member>:<port>}, like ${ADDR:e1:6222}`},
	{"${PEERS}", `argument "${PEERS}": ${PEERS}: write ${PEERS:<port>} or ${PEERS:<port>:<scheme>}, like ${PEERS:6222:nats}`},
	{"${PEERS:}", `argument "${PEERS:}": ${PEERS:}: write ${PEERS:<port>} or ${PEERS:<port>:<scheme>}, like ${PEERS:6222:nats}`},
	{"${OTHERS::nats}", `argument "${OTHERS::nats}": ${OTHERS::nats}: write ${OTHERS:<port>} or ${OTHERS:<port>:<scheme>}, like ${OTHERS:6222:nats}`},
	{"${OTHERS:6222:nats:x}", `argument "${OTHERS:6222:nats:x}": ${OTHERS:6222:nats:x}: write ${OTHERS:<port>} or ${OTHERS:<port>:<scheme>}, like ${OTHERS:6222:nats}`},
	{"${PEERS:6222:}", `argument "${PEERS:6222:}": ${PEERS:6222:}: write a URL scheme after the port, like ${PEERS:6222:nats}`},
	{"${PEERS:6222:nats://}", `argument "${PEERS:6222:nats://}": ${PEERS:6222:nats://}: write ${PEERS:<port>} or ${PEERS:<port>:<scheme>}, like ${PEERS:6222:nats}`},
	{"${OTHERS:6222:1x}", `argument "${OTHERS:6222:1x}": ${OTHERS:6222:1x}: write a URL scheme after the port, like ${OTHERS:6222:nats}`},
}

func TestMemberSyntaxErrors(t *testing.T) {
	for _, tt := range syntax {
		if got, err := ExpandMembers([]string{tt.arg}, "e1", cluster(true)); err == nil || err.Error() != tt.want {
			t.Errorf("ExpandMembers %s: %q, %v\nwant %s", tt.arg, got, err, tt.want)
		}
		if err := ValidateMembers([]string{tt.arg}, []string{"e1", "e2"}, []string{"6222"}); err == nil || err.Error() != tt.want {
			t.Errorf("ValidateMembers %s: %v\nwant %s", tt.arg, err, tt.want)
		}
	}
}

func TestValidateMembers(t *testing.T) {
	names := []string{"e1", "e2", "e3"}
	ports := []string{"4222", "6222"}
	tests := []struct {
		name  string
		args  []string
		names []string
		want  string // "" for valid; else the whole message
	}{
		{"none", nil, names, ""},
		{"every form", []string{"${NAME}", "${ADDR:e3:6222}", "${PEERS:4222}", "${PEERS:6222:nats}", "${OTHERS:6222}", "${OTHERS:4222:nats}"}, names, ""},
		{"runtime and program placeholders", []string{"${LISTEN:9}", "${PORT:9}", "${HOST}", "${DATA}", "${HOME}"}, names, ""},
		{"one member", []string{"${OTHERS:6222}"}, []string{"solo"}, ""},
		{"unknown member", []string{"-routes=${ADDR:e4:6222}"}, names,
			`argument "-routes=${ADDR:e4:6222}": no member e4 (members: e1, e2, e3)`},
		{"addr of a port not in Ports", []string{"${ADDR:e1:7000}"}, names,
			`argument "${ADDR:e1:7000}": port 7000 is not in Ports [4222 6222]: add it there`},
		{"peers of a port not in Ports", []string{"-p", "x=${PEERS:7000:nats}"}, names,
			`argument "x=${PEERS:7000:nats}": port 7000 is not in Ports [4222 6222]: add it there`},
		{"others of a port not in Ports", []string{"${OTHERS:7000}"}, names,
			`argument "${OTHERS:7000}": port 7000 is not in Ports [4222 6222]: add it there`},
		{"no members", []string{"${NAME}"}, nil, "a cluster needs at least one member"},
		{"a member twice", nil, []string{"e1", "e2", "e1"}, "member e1 is twice in the cluster: name each member once"},
	}
	for _, tt := range tests {
		err := ValidateMembers(tt.args, tt.names, ports)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want no error", tt.name, err)
		case tt.want == "":
		case err == nil:
			t.Errorf("%s: no error, want %q", tt.name, tt.want)
		case err.Error() != tt.want:
			t.Errorf("%s:\n got %q\nwant %q", tt.name, err, tt.want)
		}
	}
}

// A member's arguments go through ExpandMembers, then its runtime's
// ExpandArgs: what a NATS node of a three-member cluster is started with.
func TestMembersThenExpandArgs(t *testing.T) {
	args := []string{"--name", "${NAME}", "-a", "${HOST}", "-p", "${PORT:4222}",
		"--cluster", "nats://${LISTEN:6222}", "--routes", "${OTHERS:6222:nats}"}
	if err := ValidateMembers(args, []string{"e1", "e2", "e3"}, []string{"4222", "6222"}); err != nil {
		t.Fatal(err)
	}
	withPeers, err := ExpandMembers(args, "e2", cluster(false))
	if err != nil {
		t.Fatal(err)
	}
	spec := NodeSpec{Name: "e2", Args: withPeers, Ports: []string{"4222", "6222"}}
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}
	m := cluster(false)
	got := spec.ExpandArgs(func(p string) string { return m.Addrs["e2"][p] }, "/d")
	want := []string{"--name", "e2", "-a", "127.0.0.1", "-p", "40002", "--cluster", "nats://127.0.0.1:60002",
		"--routes", "nats://127.0.0.1:60001,nats://127.0.0.1:60003"}
	if !slices.Equal(got, want) {
		t.Fatalf("\n got %q\nwant %q", got, want)
	}
	if s := strings.Join(got, " "); strings.Contains(s, "${") {
		t.Fatalf("a placeholder is left: %s", s)
	}
}
