package build

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A suite is linked once for its inputs, across processes: the same
// sources give the same binary without go test -c, a changed test gives
// a new one, and the cache keeps only the last two of a package.
func TestSuiteLinkedOncePerInputs(t *testing.T) {
	ctx := context.Background()
	cache := t.TempDir()
	t.Setenv("HATEST_CACHE", cache)
	testdata := "testdata"
	if _, err := os.Stat(testdata); err != nil {
		if err := os.Mkdir(testdata, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(testdata) })
	}
	dir, err := os.MkdirTemp(testdata, "suite-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	pkg := "./" + filepath.ToSlash(dir)
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("lib.go", "package suite\n")
	if _, err := Suite(ctx, pkg); !errors.Is(err, ErrNoTests) {
		t.Fatalf("a package without tests: %v, want ErrNoTests", err)
	}
	test := func(n string) {
		write("lib_test.go", "package suite\n\nimport \"testing\"\n\nfunc TestOne(t *testing.T) { t.Log(\""+n+"\") }\n")
	}

	test("one")
	first, err := Suite(ctx, pkg)
	if err != nil {
		t.Fatal(err)
	}
	before := suiteLinks
	again, err := Suite(ctx, pkg)
	if err != nil {
		t.Fatal(err)
	}
	if again != first || suiteLinks != before {
		t.Fatalf("the same sources ran go test -c %d times and gave %s, want none and %s", suiteLinks-before, again, first)
	}

	var paths []string
	for _, n := range []string{"two", "three"} {
		test(n)
		p, err := Suite(ctx, pkg)
		if err != nil {
			t.Fatal(err)
		}
		if p == first || suiteLinks != before+len(paths)+1 {
			t.Fatalf("a changed test got %s (links %d), want a new binary", p, suiteLinks-before)
		}
		paths = append(paths, p)
	}
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Errorf("the oldest of three binaries is still kept: %v", err)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("one of the last two binaries is gone: %v", err)
		}
	}

	write("lib_test.go", "package suite\n\nfunc broken( {\n")
	if _, err := Suite(ctx, pkg); err == nil || !strings.Contains(err.Error(), "lib_test.go") {
		t.Fatalf("a compile error: %v, want go's message naming the file", err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(cache, "suites", "*", ".build-*")); len(leftovers) != 0 {
		t.Errorf("temporary builds left in the cache: %v", leftovers)
	}
}
