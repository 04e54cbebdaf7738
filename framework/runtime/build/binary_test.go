package build

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// forget drops what this process remembers, as a new process would.
func forget() {
	mu.Lock()
	defer mu.Unlock()
	built, inputs = map[string]string{}, map[string]string{}
}

// A binary is linked once for its inputs, across processes: a second
// process gets the first one's binary without running go build, and a
// changed source or ldflags get a new binary.
func TestBinaryLinkedOncePerInputs(t *testing.T) {
	ctx := context.Background()
	t.Setenv("HATEST_CACHE", t.TempDir())
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	// A package of the module, under testdata so that ./... leaves it out;
	// testdata itself goes too when the test made it.
	testdata := filepath.Join(root, "framework", "runtime", "build", "testdata")
	if _, err := os.Stat(testdata); err != nil {
		if err := os.Mkdir(testdata, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(testdata) })
	}
	dir, err := os.MkdirTemp(testdata, "prog-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	write := func(body string) {
		if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { println(\""+body+"\") }\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rel, _ := filepath.Rel(root, dir)
	pkg := "./" + filepath.ToSlash(rel)

	write("one")
	forget()
	first, err := Binary(ctx, pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	forget()
	before := links
	again, err := Binary(ctx, pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	if again != first || links != before {
		t.Fatalf("a second process ran go build %d times for %s, want none and the indexed %s", links-before, again, first)
	}

	forget()
	flags, err := Binary(ctx, pkg, "-X main.unused=1")
	if err != nil {
		t.Fatal(err)
	}
	if flags == first {
		t.Fatal("other ldflags got the same binary")
	}
	write("two")
	forget()
	changed, err := Binary(ctx, pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	if changed == first {
		t.Fatal("a changed source got the old binary")
	}
	// Found in the index, a binary is remembered in the process too: it
	// needs neither go nor the module again (a test that moves to
	// another directory asks for it there).
	forget()
	if _, err := Binary(ctx, pkg, ""); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if again, err := Binary(ctx, pkg, ""); err != nil || again != changed {
		t.Fatalf("outside the module, the binary found in the index: %s, %v; want %s", again, err, changed)
	}
}
