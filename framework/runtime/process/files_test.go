//go:build unix

package process_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/runtime/internal/rttest"
	"github.com/hatest/hatest/framework/runtime/process"
)

// NodeSpec.Files: put in the node's own directory of the run before the
// program starts, named by ${FILE:..}, put again as first given before
// every Restart, and gone with the run.
func TestFiles(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t)
	// echo keeps its boot count in <-data>/boots and reads <-data>/<name>:
	// pointed at the files' directory (Go cleans "<file>/.." away), it
	// counts on from the content of the file "boots" and reads "conf".
	spec := rttest.EchoSpec("cfg", "v1", "-data", "${FILE:boots}/..")
	spec.Files = map[string]string{"conf": "lame_duck_duration=30s", "boots": "41", "empty": ""}
	n := start(t, rt, spec)
	addr := n.Endpoint("7000").External
	dir := filepath.Join(rt.Dir(), "nodes", "cfg", "files")

	rttest.MustAsk(t, addr, "read conf", "v1 lame_duck_duration=30s")
	rttest.MustAsk(t, addr, "boots", "v1 boots=42")
	if got := readAll(n.Logs()); !strings.Contains(got, `data "`+dir+`/boots/.."`) {
		t.Fatalf("${FILE:boots} did not become %s/boots; the log:\n%s", dir, got)
	}
	for name, want := range map[string]string{"conf": "lame_duck_duration=30s", "boots": "42", "empty": ""} {
		p := filepath.Join(dir, name)
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != 0o644 {
			t.Errorf("%s has mode %v, want -rw-r--r--", p, fi.Mode())
		}
		if b, _ := os.ReadFile(p); string(b) != want {
			t.Errorf("%s holds %q, want %q", p, b, want)
		}
	}

	// The program changes its files and adds one; the caller changes its
	// map. Restart puts back what Start was given, and only that.
	rttest.MustAsk(t, addr, "write conf changed", "v1 wrote conf")
	rttest.MustAsk(t, addr, "write extra x", "v1 wrote extra")
	spec.Files["conf"] = "changed by the caller after Start"
	if err := n.Restart(ctx, "v2"); err != nil {
		t.Fatalf("restart: %v", err)
	}
	rttest.MustAsk(t, addr, "read conf", "v2 lame_duck_duration=30s")
	rttest.MustAsk(t, addr, "boots", "v2 boots=42")
	if got, _, err := rttest.Ask(addr, "read extra", 5*time.Second); err != nil || !strings.Contains(got, "no such file") {
		t.Fatalf("a file the old program made is still there after Restart: %q, %v", got, err)
	}

	// A node without Files has no files directory.
	plain := start(t, rt, echoSpec("plain"))
	rttest.MustAsk(t, plain.Endpoint("7000").External, "ping", "v1 ping")
	if _, err := os.Stat(filepath.Join(rt.Dir(), "nodes", "plain", "files")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a node without Files has a files directory: %v", err)
	}

	// A bad file name is refused before anything is made.
	bad := rttest.EchoSpec("bad", "v1")
	bad.Files = map[string]string{"../escape": "x"}
	if _, err := rt.Start(ctx, bad); err == nil || !strings.Contains(err.Error(), `file name "../escape": use a plain file name`) {
		t.Fatalf("start with a file name with '/': %v", err)
	}
	if _, err := os.Stat(filepath.Join(rt.Dir(), "nodes", "bad")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused node left a directory: %v", err)
	}

	// Close removes the files with the run.
	if err := rt.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("after Close %s: %v; want it gone", dir, err)
	}
}

// The files directory is absolute even when the run's temporary directory
// is given as a relative path: the program runs in a directory of its own.
func TestFilesRelativeTempDir(t *testing.T) {
	t.Chdir(t.TempDir())
	rt := newRuntime(t, process.WithTempDir("runs"))
	if !filepath.IsAbs(rt.Dir()) {
		t.Fatalf("Dir() = %s, want an absolute path", rt.Dir())
	}
	spec := rttest.EchoSpec("cfg", "v1", "-data", "${FILE:conf}/..")
	spec.Files = map[string]string{"conf": "x"}
	n := start(t, rt, spec)
	rttest.MustAsk(t, n.Endpoint("7000").External, "read conf", "v1 x")
}

func readAll(r io.Reader) string {
	b, _ := io.ReadAll(r)
	return string(b)
}
