package build

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ErrNoTests is Suite's answer for a package that has no test files.
var ErrNoTests = errors.New("the package has no tests")

// keptSuites is how many test binaries of one package the cache keeps:
// the one just built and the one before it, which a run that started
// earlier may still be copying.
const keptSuites = 2

// Suite compiles the tests of package pkg (go test -c), as the go command
// in the working directory sees it, and returns the path of the test
// binary. Like Binary, it links once for its inputs: go list -test -deps
// -export names the build ID of every package in the binary, the test
// packages and the generated main among them, and a binary built for the
// same inputs before, by any process, is returned without linking. A
// suite's binary is large, so the cache keeps only the last keptSuites
// of each package.
//
// The path is the cache's own file: copy it before running it if the run
// may outlive the next build of the same package. A failed compile
// returns go's output as the error; a package without tests, ErrNoTests.
func Suite(ctx context.Context, pkg string) (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	dir, err := packageDir(ctx, pkg)
	if err != nil {
		return "", err
	}
	suites := filepath.Join(cache, "suites", hashString(dir)[:16])
	if err := os.MkdirAll(suites, 0o755); err != nil {
		return "", fmt.Errorf("cache dir: %w", err)
	}
	final := ""
	if in, err := goOutput(ctx, "list", "-test", "-deps", "-export", "-f", "{{.ImportPath}} {{.BuildID}}", pkg); err == nil {
		// The inputs and what of the environment changes a link but not a
		// package's build ID.
		key := strings.Join([]string{dir, in, os.Getenv("GOFLAGS"), os.Getenv("CGO_ENABLED"), os.Getenv("GO_EXTLINK_ENABLED")}, "\x00")
		final = filepath.Join(suites, hashString(key)[:32]+".test")
		if _, err := os.Stat(final); err == nil {
			now := time.Now()
			_ = os.Chtimes(final, now, now) // the newest, for pruning
			return final, nil
		}
	}
	tmp, err := os.CreateTemp(suites, ".build-*")
	if err != nil {
		return "", fmt.Errorf("compile %s: %w", pkg, err)
	}
	tmp.Close()
	os.Remove(tmp.Name()) // go test -c writes nothing for a package without tests
	defer os.Remove(tmp.Name())
	suiteLinks++
	if out, err := goOutput(ctx, "test", "-c", "-o", tmp.Name(), pkg); err != nil {
		return "", errors.New(strings.TrimSpace(out))
	}
	if _, err := os.Stat(tmp.Name()); err != nil {
		return "", ErrNoTests
	}
	if final == "" { // inputs unknown: named by its content
		sum, err := FileHash(tmp.Name())
		if err != nil {
			return "", fmt.Errorf("compile %s: %w", pkg, err)
		}
		final = filepath.Join(suites, sum[:32]+".test")
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", fmt.Errorf("compile %s: %w", pkg, err)
	}
	pruneSuites(suites, final)
	return final, nil
}

// suiteLinks counts the go test -c runs of this process, for tests.
var suiteLinks int

// packageDir is pkg's directory, which names its binaries in the cache.
func packageDir(ctx context.Context, pkg string) (string, error) {
	out, err := goOutput(ctx, "list", "-f", "{{.Dir}}", pkg)
	if err != nil {
		return "", fmt.Errorf("cannot find package %s: %s", pkg, firstLine(out))
	}
	return strings.TrimSpace(out), nil
}

// goOutput runs the go command in the working directory and returns what
// it printed: stdout alone when it succeeds, stdout and stderr when not.
func goOutput(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String() + stderr.String(), err
	}
	return stdout.String(), nil
}

// pruneSuites removes the package's older test binaries: keep stays, and
// of the others the newest keptSuites-1.
func pruneSuites(dir, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type suite struct {
		path string
		mod  int64
	}
	var others []suite
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if !strings.HasSuffix(e.Name(), ".test") || strings.HasPrefix(e.Name(), ".") || p == keep {
			continue
		}
		if info, err := e.Info(); err == nil {
			others = append(others, suite{p, info.ModTime().UnixNano()})
		}
	}
	slices.SortFunc(others, func(a, b suite) int { return cmp.Compare(b.mod, a.mod) })
	for i, s := range others {
		if i >= keptSuites-1 {
			os.Remove(s.path)
		}
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
