package build

import (
	"context"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// hello is a small real module with a main package at its root, served by
// the module proxy under a pseudo-version only.
const (
	hello        = "golang.org/x/example/hello"
	helloVersion = "v0.0.0-20250915201037-7f05d217867b"
	nats         = "github.com/nats-io/nats-server/v2"
)

// emptyCache points CacheDir at a fresh directory for the test.
func emptyCache(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("HATEST_CACHE", dir)
	return dir
}

// noLeftovers fails if a throwaway module or a lock file is left behind.
func noLeftovers(t *testing.T, cache string) {
	t.Helper()
	left, err := os.ReadDir(filepath.Join(cache, "modules"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("left behind in %s: %s", filepath.Join(cache, "modules"), e.Name())
	}
}

func oneLine(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one saying %q", want)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line:\n%s", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not say %q", msg, w)
		}
	}
}

func TestModuleBuildsAndCaches(t *testing.T) {
	cache := emptyCache(t)
	ctx := context.Background()

	p, err := Module(ctx, hello, helloVersion, "")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(p) != cache || !strings.HasPrefix(filepath.Base(p), "hello-"+helloVersion+"-") {
		t.Errorf("binary at %s; want %s/hello-%s-<hash>", p, cache, helloVersion)
	}
	out, err := exec.Command(p).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Hello") {
		t.Fatalf("run %s: %v: %s", p, err, out)
	}
	noLeftovers(t, cache)

	// A later call, as from another process, finds it without running go.
	t.Setenv("PATH", "")
	start := time.Now()
	again, err := Module(ctx, hello, helloVersion, hello)
	if err != nil {
		t.Fatalf("cache hit ran go: %v", err)
	}
	if again != p {
		t.Errorf("second call gave %s, first %s", again, p)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cache hit took %v", d)
	}
}

func TestModuleBinaryIsStatic(t *testing.T) {
	emptyCache(t)
	p, err := Module(context.Background(), hello, helloVersion, "")
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP || prog.Type == elf.PT_DYNAMIC {
			t.Errorf("%s has a %v program header: not static", p, prog.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s needs %v", p, libs)
	}
	if f.Section(".symtab") != nil {
		t.Errorf("%s keeps its symbol table; want it stripped (-s -w)", p)
	}
}

func TestModuleConcurrentCallsAgree(t *testing.T) {
	cache := emptyCache(t)
	var wg sync.WaitGroup
	paths := make([]string, 3)
	errs := make([]error, 3)
	for i := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths[i], errs[i] = Module(context.Background(), hello, helloVersion, "")
		}()
	}
	wg.Wait()
	for i := range paths {
		if errs[i] != nil || paths[i] != paths[0] {
			t.Errorf("call %d: %s, %v; call 0: %s", i, paths[i], errs[i], paths[0])
		}
	}
	if !usable(paths[0]) {
		t.Errorf("%s is not a usable binary", paths[0])
	}
	noLeftovers(t, cache)
}

func TestLockFileExcludesOtherHolders(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	release, err := lockFile(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	// A second open file description, as another process has, must wait.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := lockFile(ctx, p); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock while held: %v; want it to wait until the deadline", err)
	}
	release()
	release2, err := lockFile(context.Background(), p)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	release2()
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left behind: %v", err)
	}
}

func TestModuleRejectsBadInputBeforeRunningGo(t *testing.T) {
	emptyCache(t)
	t.Setenv("PATH", "") // go must not be needed to say no
	for _, c := range []struct {
		module, version, pkg string
		want                 []string
	}{
		{"", "v2.14.10", "", []string{"empty module path", "name a Go module"}},
		{"nats-server", "v2.14.10", "", []string{`"nats-server" is not a module path`}},
		{"./server", "v2.14.10", "", []string{"is not a module path"}},
		{nats, "", "", []string{"empty version", "name a released version"}},
		{nats, "2.14.10", "", []string{"does not start with v", "v2.14.10"}},
		{nats, "latest", "", []string{"not a full version", "vMAJOR.MINOR.PATCH"}},
		{nats, "v2.14", "", []string{"not a full version"}},
		{nats, "v2.14.10", "github.com/other/cmd", []string{"is not inside module", "leave it empty"}},
		{nats, "v2.14.10", "cmd/server", []string{"is not inside module"}},
		{nats, "v2.14.10", nats + "/...", []string{"is not inside module"}},
		{"github.com/nats-io/nats-server", "v2.14.10", "", []string{"a v2 version needs the module path github.com/nats-io/nats-server/v2"}},
	} {
		_, err := Module(context.Background(), c.module, c.version, c.pkg)
		oneLine(t, err, c.want...)
		if err != nil && strings.Contains(err.Error(), "exec") {
			t.Errorf("%s@%s %q: ran go: %v", c.module, c.version, c.pkg, err)
		}
	}
}

func TestModuleExplainsWhatGoRefused(t *testing.T) {
	cache := emptyCache(t)
	ctx := context.Background()

	_, err := Module(ctx, nats, "v2.99.0", "")
	oneLine(t, err, "build "+nats+"@v2.99.0: the module proxy does not serve that version: name a released version, such as v2.")

	_, err = Module(ctx, "github.com/nats-io/no-such-module-hatest", "v1.0.0", "")
	oneLine(t, err, "serves no module github.com/nats-io/no-such-module-hatest at v1.0.0", "check the module path")

	_, err = Module(ctx, hello, helloVersion, hello+"/nope")
	oneLine(t, err, "has no such package", "leave it empty")

	_, err = Module(ctx, hello, helloVersion, hello+"/reverse")
	oneLine(t, err, "not a main package")

	modcache := t.TempDir()
	t.Cleanup(func() { // go leaves its downloads read-only
		filepath.WalkDir(modcache, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
	})
	t.Setenv("GOMODCACHE", modcache) // nothing cached: the proxy is needed
	t.Setenv("GOPROXY", "off")
	_, err = Module(ctx, hello, helloVersion, "")
	oneLine(t, err, "GOPROXY=off", "allow the module proxy")

	t.Setenv("GOPROXY", "http://127.0.0.1:1")
	_, err = Module(ctx, hello, helloVersion, "")
	oneLine(t, err, "the module proxy cannot be reached (dial tcp 127.0.0.1:1", "check GOPROXY")

	noLeftovers(t, cache)
}

func TestModuleBinaryName(t *testing.T) {
	for _, c := range []struct{ module, version, pkg, prefix string }{
		{nats, "v2.14.10", nats, "nats-server-v2.14.10-"},
		{hello, helloVersion, hello, "hello-" + helloVersion + "-"},
		{"example.com/tool", "v1.0.0+incompatible", "example.com/tool/cmd/x", "x-v1.0.0+incompatible-"},
		{"example.com/v3", "v3.0.0", "example.com/v3", "example.com-v3.0.0-"},
	} {
		got := moduleBinaryName(c.module, c.version, c.pkg)
		if !strings.HasPrefix(got, c.prefix) || len(got) != len(c.prefix)+8 {
			t.Errorf("moduleBinaryName(%s, %s, %s) = %s; want %s<8 hex>", c.module, c.version, c.pkg, got, c.prefix)
		}
	}
	if moduleBinaryName(nats, "v2.14.10", nats) == moduleBinaryName(nats, "v2.15.3", nats) {
		t.Error("two versions share a binary name")
	}
}

// Two releases of NATS server side by side. The first run builds them
// (about a minute with empty Go caches); later runs find them in the
// cache at once.
func TestModuleNATSServerTwoReleases(t *testing.T) {
	if testing.Short() {
		t.Skip("builds NATS server twice the first time; -short skips it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	seen := map[string]bool{}
	for _, v := range []string{"v2.14.10", "v2.15.3"} {
		start := time.Now()
		p, err := Module(ctx, nats, v, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s in %v", v, p, time.Since(start).Round(time.Millisecond))
		if seen[p] {
			t.Fatalf("%s shares %s with another version", v, p)
		}
		seen[p] = true
		out, err := exec.CommandContext(ctx, p, "--version").CombinedOutput()
		if err != nil || !strings.Contains(string(out), v) {
			t.Errorf("%s --version: %v: %q; want it to say %s", p, err, out, v)
		}
		start = time.Now()
		if again, err := Module(ctx, nats, v, ""); err != nil || again != p {
			t.Errorf("second build of %s: %s, %v", v, again, err)
		} else if d := time.Since(start); d > time.Second {
			t.Errorf("cache hit for %s took %v", v, d)
		}
	}
}
