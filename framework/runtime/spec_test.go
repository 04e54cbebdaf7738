package runtime

import (
	"slices"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	good := func() NodeSpec {
		return NodeSpec{
			Name: "driver-0", Version: "v1",
			Args:  []string{"-listen", "${LISTEN:7000}", "-api=${LISTEN:7100}", "-data", "${DATA}/db"},
			Ports: []string{"7000", "7100"}, Ready: "7100", ReadyHTTP: "/healthz",
			HostPorts: map[string]int{"7000": 17000}, DataDir: true,
		}
	}
	tests := []struct {
		name   string
		change func(*NodeSpec)
		want   string // "" for valid; else the whole message
	}{
		{"valid", func(*NodeSpec) {}, ""},
		{"no ports, no args", func(s *NodeSpec) { *s = NodeSpec{Name: "n"} }, ""},
		{"dots and underscores", func(s *NodeSpec) { s.Name = "a1.b_c-2" }, ""},
		{"empty name", func(s *NodeSpec) { s.Name = "" },
			"invalid node name: use letters, digits, '_', '.' and '-', beginning with a letter or digit"},
		{"name with a space", func(s *NodeSpec) { s.Name = "driver 0" }, "invalid node name: "},
		{"name with a slash", func(s *NodeSpec) { s.Name = "a/b" }, "invalid node name: "},
		{"name beginning with a dot", func(s *NodeSpec) { s.Name = ".." }, "invalid node name: "},
		{"name beginning with a dash", func(s *NodeSpec) { s.Name = "-x" }, "invalid node name: "},
		{"port not a number", func(s *NodeSpec) { s.Ports[1] = "api" },
			`port "api": want a port number from 1 to 65535, like "7000"`},
		{"port with a protocol", func(s *NodeSpec) { s.Ports[1] = "7100/tcp" }, `port "7100/tcp": want a port number`},
		{"port zero", func(s *NodeSpec) { s.Ports[1] = "0" }, `port "0": want a port number`},
		{"port too large", func(s *NodeSpec) { s.Ports[1] = "65536" }, `port "65536": want a port number`},
		{"port with a leading zero", func(s *NodeSpec) { s.Ports[1] = "07100" }, `port "07100": want a port number`},
		{"port twice", func(s *NodeSpec) { s.Ports = append(s.Ports, "7000") }, "port 7000 is twice in Ports: list it once"},
		{"ready port not in Ports", func(s *NodeSpec) { s.Ready = "7200" }, "ready port 7200 is not in Ports [7000 7100]: add it there"},
		{"ReadyHTTP without Ready", func(s *NodeSpec) { s.Ready = "" },
			"ReadyHTTP /healthz needs a Ready port: set Ready to the port that serves it"},
		{"host port for a port not in Ports", func(s *NodeSpec) { s.HostPorts = map[string]int{"7001": 17001} },
			"host port for port 7001: 7001 is not in Ports [7000 7100]"},
		{"host port zero", func(s *NodeSpec) { s.HostPorts["7000"] = 0 }, "host port 0 for port 7000: give one from 1 to 65535"},
		{"host port too large", func(s *NodeSpec) { s.HostPorts["7000"] = 70000 }, "host port 70000 for port 7000: give one from 1 to 65535"},
		{"listen on a port not in Ports", func(s *NodeSpec) { s.Args = append(s.Args, "-peer=${LISTEN:7001}") },
			`argument "-peer=${LISTEN:7001}": port 7001 is not in Ports [7000 7100]: add it there`},
		{"listen on no port", func(s *NodeSpec) { s.Args = append(s.Args, "${LISTEN}") },
			`argument "${LISTEN}": ${LISTEN} names no port: write ${LISTEN:7000} for port 7000`},
		{"listen on an empty port", func(s *NodeSpec) { s.Args = append(s.Args, "${LISTEN:}") },
			`argument "${LISTEN:}": ${LISTEN} names no port: write ${LISTEN:7000} for port 7000`},
		{"data without DataDir", func(s *NodeSpec) { s.DataDir = false },
			`argument "${DATA}/db": ${DATA} needs a data directory: set DataDir`},
		{"host and port", func(s *NodeSpec) { s.Args = append(s.Args, "-a", "${HOST}", "-p=${PORT:7000}", "${HOST}:${PORT:7100}") }, ""},
		{"port of a port not in Ports", func(s *NodeSpec) { s.Args = append(s.Args, "-p=${PORT:7001}") },
			`argument "-p=${PORT:7001}": port 7001 is not in Ports [7000 7100]: add it there`},
		{"port of no port", func(s *NodeSpec) { s.Args = append(s.Args, "${PORT}") },
			`argument "${PORT}": ${PORT} names no port: write ${PORT:7000} for port 7000`},
		{"port of an empty port", func(s *NodeSpec) { s.Args = append(s.Args, "-p=${PORT:}") },
			`argument "-p=${PORT:}": ${PORT} names no port: write ${PORT:7000} for port 7000`},
		{"host without ports", func(s *NodeSpec) { *s = NodeSpec{Name: "n", Args: []string{"-a=${HOST}"}} },
			`argument "-a=${HOST}": ${HOST} is where the program listens, and Ports is empty: list its ports there`},
		{"member placeholders are ExpandMembers'", func(s *NodeSpec) {
			s.Args = append(s.Args, "${NAME}", "${ADDR:e9:9}", "${PEERS:1}", "${OTHERS:2:nats}")
		}, ""},
		{"other placeholders are the program's", func(s *NodeSpec) {
			s.Args = append(s.Args, "${HOME}", "$LISTEN", "$PORT", "${HOST:x}", "${DATA:x}", "${port:1}", "$FILE", "${file:x}", "${FILES:x}")
		}, ""},
		{"files", func(s *NodeSpec) {
			s.Files = map[string]string{"nats.conf": "lame_duck_duration: 30s\n", "empty": "", ".hidden": "x", "a b": "x"}
			s.Args = append(s.Args, "-c", "${FILE:nats.conf}", "--e=${FILE:empty},${FILE:.hidden}", "${FILE:a b}")
		}, ""},
		{"files nobody names", func(s *NodeSpec) { s.Files = map[string]string{"x.conf": "x"} }, ""},
		{"empty file name", func(s *NodeSpec) { s.Files = map[string]string{"": "x"} },
			`file name "": use a plain file name, without '/' and not "." or "..", like "nats.conf"`},
		{"file name with a slash", func(s *NodeSpec) { s.Files = map[string]string{"conf/nats.conf": "x"} },
			`file name "conf/nats.conf": use a plain file name, without '/' and not "." or "..", like "nats.conf"`},
		{"file name of a directory", func(s *NodeSpec) { s.Files = map[string]string{"/": "x"} }, `file name "/": use a plain file name`},
		{"file name dot", func(s *NodeSpec) { s.Files = map[string]string{".": "x"} }, `file name ".": use a plain file name`},
		{"file name dot dot", func(s *NodeSpec) { s.Files = map[string]string{"..": "x"} }, `file name "..": use a plain file name`},
		{"file name with a NUL", func(s *NodeSpec) { s.Files = map[string]string{"a\x00b": "x"} }, `file name "a\x00b": use a plain file name`},
		{"the first bad file name in order", func(s *NodeSpec) { s.Files = map[string]string{"ok": "", "z/z": "", "a/a": ""} },
			`file name "a/a": `},
		{"file not in Files", func(s *NodeSpec) {
			s.Files = map[string]string{"other.conf": "x", "b": "y"}
			s.Args = append(s.Args, "-c=${FILE:nats.conf}")
		}, `argument "-c=${FILE:nats.conf}": file nats.conf is not in Files [b other.conf]: add it there`},
		{"file without Files", func(s *NodeSpec) { s.Args = append(s.Args, "-c", "${FILE:nats.conf}") },
			`argument "${FILE:nats.conf}": file nats.conf is not in Files []: add it there`},
		{"file of no name", func(s *NodeSpec) { s.Args = append(s.Args, "-c", "${FILE}") },
			`argument "${FILE}": ${FILE} names no file: write ${FILE:nats.conf} for the file nats.conf of Files`},
		{"file of an empty name", func(s *NodeSpec) {
			s.Files = map[string]string{"nats.conf": "x"}
			s.Args = append(s.Args, "-c=${FILE:}")
		}, `argument "-c=${FILE:}": ${FILE} names no file: write ${FILE:nats.conf} for the file nats.conf of Files`},
	}
	for _, tt := range tests {
		s := good()
		tt.change(&s)
		err := s.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want no error", tt.name, err)
		case tt.want == "":
		case err == nil:
			t.Errorf("%s: no error, want %q", tt.name, tt.want)
		case !strings.HasPrefix(err.Error(), tt.want):
			t.Errorf("%s:\n got %q\nwant %q", tt.name, err, tt.want)
		case strings.Contains(err.Error(), "\n"):
			t.Errorf("%s: %q is more than one line", tt.name, err)
		}
	}
}

func TestExpandArgs(t *testing.T) {
	container := func(port string) string { return ":" + port }
	process := func(port string) string { return "127.0.0.1:4" + port }
	ipv6 := func(port string) string { return "[::1]:" + port }
	tests := []struct {
		name   string
		args   []string
		listen func(string) string
		data   string
		want   []string
	}{
		{"none", nil, container, "/data", []string{}},
		{"untouched", []string{"-v", "x"}, container, "/data", []string{"-v", "x"}},
		{"container", []string{"-listen", "${LISTEN:7000}", "-data", "${DATA}"}, container, "/data",
			[]string{"-listen", ":7000", "-data", "/data"}},
		{"process", []string{"-listen", "${LISTEN:7000}", "-data", "${DATA}"}, process, "/tmp/run/nodes/d/data",
			[]string{"-listen", "127.0.0.1:47000", "-data", "/tmp/run/nodes/d/data"}},
		{"inside an argument, twice", []string{"-peers=${LISTEN:7000},${LISTEN:7001}", "${DATA}/a:${DATA}/b"}, container, "/data",
			[]string{"-peers=:7000,:7001", "/data/a:/data/b"}},
		{"other placeholders kept", []string{"${HOME}", "${LISTEN}", "$DATA"}, container, "/data",
			[]string{"${HOME}", "${LISTEN}", "$DATA"}},
		{"host and port, container", []string{"-a", "${HOST}", "-p", "${PORT:7000}", "--cluster=nats://${HOST}:${PORT:7001}"}, container, "/data",
			[]string{"-a", "0.0.0.0", "-p", "7000", "--cluster=nats://0.0.0.0:7001"}},
		{"host and port, process", []string{"-a", "${HOST}", "-p", "${PORT:7000}", "--cluster=nats://${HOST}:${PORT:7001}"}, process, "/d",
			[]string{"-a", "127.0.0.1", "-p", "47000", "--cluster=nats://127.0.0.1:47001"}},
		{"host and port, IPv6", []string{"${HOST}", "${PORT:7000}"}, ipv6, "/d", []string{"::1", "7000"}},
		{"listen is host and port", []string{"${LISTEN:7001}=${HOST}:${PORT:7001}"}, process, "/d",
			[]string{"127.0.0.1:47001=127.0.0.1:47001"}},
		{"member placeholders kept", []string{"${NAME}", "${ADDR:e1:7000}", "${PEERS:7000}", "${OTHERS:7000:nats}"}, process, "/d",
			[]string{"${NAME}", "${ADDR:e1:7000}", "${PEERS:7000}", "${OTHERS:7000:nats}"}},
		{"empty port kept", []string{"${PORT}", "${PORT:}"}, process, "/d", []string{"${PORT}", "${PORT:}"}},
	}
	for _, tt := range tests {
		s := NodeSpec{Args: tt.args, Ports: []string{"7000", "7001"}}
		if got := s.ExpandArgs(tt.listen, tt.data); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestExpandArgsFiles(t *testing.T) {
	container := func(port string) string { return ":" + port }
	process := func(port string) string { return "127.0.0.1:4" + port }
	tests := []struct {
		name   string
		args   []string
		listen func(string) string
		files  []string // the directory of Files, if given
		want   []string
	}{
		{"container", []string{"-c", "${FILE:nats.conf}", "--both=${FILE:nats.conf},${FILE:a b}", "${DATA}"}, container, []string{"/hatest/files"},
			[]string{"-c", "/hatest/files/nats.conf", "--both=/hatest/files/nats.conf,/hatest/files/a b", "/data"}},
		{"process", []string{"-c=${FILE:nats.conf}", "-l", "${LISTEN:7000}"}, process, []string{"/tmp/run/nodes/d/files"},
			[]string{"-c=/tmp/run/nodes/d/files/nats.conf", "-l", "127.0.0.1:47000"}},
		{"no directory given: kept", []string{"${FILE:nats.conf}", "${LISTEN:7000}"}, container, nil,
			[]string{"${FILE:nats.conf}", ":7000"}},
		{"not in Files: kept", []string{"${FILE:x.conf}", "${FILE}", "${FILE:}", "${FILES:nats.conf}"}, container, []string{"/hatest/files"},
			[]string{"${FILE:x.conf}", "${FILE}", "${FILE:}", "${FILES:nats.conf}"}},
	}
	for _, tt := range tests {
		s := NodeSpec{Args: tt.args, Ports: []string{"7000"}, DataDir: true, Files: map[string]string{"nats.conf": "port: 4222", "a b": ""}}
		if got := s.ExpandArgs(tt.listen, "/data", tt.files...); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A cluster's templates go through ExpandMembers first: it must leave
// ${FILE:..} for ExpandArgs, whatever the file is called.
func TestExpandMembersLeavesFiles(t *testing.T) {
	m := Members{Names: []string{"e1", "e2"}, Addrs: map[string]map[string]string{
		"e1": {"6222": "e1:6222"}, "e2": {"6222": "e2:6222"},
	}}
	args := []string{"-c", "${FILE:nats.conf}", "${FILE:e1}", "--routes=${OTHERS:6222}"}
	if err := ValidateMembers(args, m.Names, []string{"6222"}); err != nil {
		t.Fatalf("ValidateMembers: %v", err)
	}
	got, err := ExpandMembers(args, "e1", m)
	if want := []string{"-c", "${FILE:nats.conf}", "${FILE:e1}", "--routes=e2:6222"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("ExpandMembers: %q, %v; want %q", got, err, want)
	}
	s := NodeSpec{Name: "e1", Args: got, Files: map[string]string{"nats.conf": "", "e1": ""}}
	if err := s.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	want := []string{"-c", "/f/nats.conf", "/f/e1", "--routes=e2:6222"}
	if got := s.ExpandArgs(func(p string) string { return ":" + p }, "", "/f"); !slices.Equal(got, want) {
		t.Fatalf("ExpandArgs: %q, want %q", got, want)
	}
}
