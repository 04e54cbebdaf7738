package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Binary builds the Go package pkg (a path relative to the module root,
// "./fixtures/driver", or an import path) as a static binary with the given
// -ldflags and returns the path of the result. Results are kept in the cache
// directory under a name that carries a hash of their content, so the same
// source gives the same path and a changed source a new one.
//
// A binary is linked once for its inputs, not once a process: the inputs
// are named without linking by the build IDs of every package it is made
// of (go list -export compiles, from go's own cache, and never links),
// which change with any source, flag or toolchain, and by the ldflags.
// index/ in the cache directory maps them to the binary built for them,
// by any process before; when it has one, nothing is built.
func Binary(ctx context.Context, pkg, ldflags string) (string, error) {
	key := pkg + "\x00" + ldflags
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[key]; ok {
		return p, nil
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	args := []string{"build", "-trimpath", "-ldflags", strings.TrimSpace("-s -w " + ldflags), "-o", "", pkg}
	index := ""
	if inputs, err := packageInputs(ctx, root, pkg); err == nil {
		// The inputs, the whole command line, and what of the environment
		// changes a link but not a package's build ID.
		linked := strings.Join(append([]string{inputs, "CGO_ENABLED=0", os.Getenv("GOFLAGS"), os.Getenv("GO_EXTLINK_ENABLED")}, args...), "\x00")
		index = filepath.Join(dir, "index", hashString(linked)[:32])
		if p, ok := indexed(index); ok {
			built[key] = p
			return p, nil
		}
	}
	tmp, err := os.CreateTemp(dir, "build-*")
	if err != nil {
		return "", fmt.Errorf("build %s: %w", pkg, err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	links++
	args[len(args)-2] = tmp.Name()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build %s: %w: %s", pkg, err, strings.TrimSpace(out.String()))
	}
	sum, err := FileHash(tmp.Name())
	if err != nil {
		return "", fmt.Errorf("build %s: %w", pkg, err)
	}
	final := filepath.Join(dir, filepath.Base(pkg)+"-"+sum[:12])
	if _, err := os.Stat(final); err != nil {
		if err := os.Rename(tmp.Name(), final); err != nil {
			return "", fmt.Errorf("build %s: %w", pkg, err)
		}
	}
	if index != "" {
		_ = writeIndex(index, final) // without it, the next process links again
	}
	built[key] = final
	return final, nil
}

var (
	mu    sync.Mutex
	built = map[string]string{}
	// inputs memoises packageInputs: one go list per package a process.
	inputs = map[string]string{}
	links  int // go builds run, for tests
)

// packageInputs names what pkg's binary is built from: the import path
// and build ID of every package in it, one line each, as go list -deps
// -export gives them with the flags and environment Binary builds with.
func packageInputs(ctx context.Context, root, pkg string) (string, error) {
	if in, ok := inputs[pkg]; ok {
		return in, nil
	}
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-trimpath", "-export", "-f", "{{.ImportPath}} {{.BuildID}}", pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil || len(out) == 0 {
		return "", fmt.Errorf("list %s: %w", pkg, err)
	}
	in := pkg + "\n" + string(out)
	inputs[pkg] = in
	return in, nil
}

// indexed is the binary index names, if it still exists.
func indexed(index string) (string, bool) {
	b, err := os.ReadFile(index)
	if err != nil {
		return "", false
	}
	p := strings.TrimSpace(string(b))
	if p == "" {
		return "", false
	}
	if _, err := os.Stat(p); err != nil {
		return "", false
	}
	return p, true
}

// writeIndex records that the binary at path was built for index's
// inputs, atomically: a reader sees the whole path or no file.
func writeIndex(index, path string) error {
	if err := os.MkdirAll(filepath.Dir(index), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(index), ".index-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(path + "\n"); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), index)
}

func hashString(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// FileHash returns the hex SHA-256 of a file's content.
func FileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// CacheDir is where built binaries are kept: $HATEST_CACHE, or hatest/bin
// under the user's cache directory. Module works in its subdirectory
// modules, which holds nothing once no build runs.
func CacheDir() (string, error) {
	dir := os.Getenv("HATEST_CACHE")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "hatest", "bin")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("cache dir: %w", err)
	}
	return dir, nil
}

// ModuleRoot is the directory of the go.mod that the working directory
// belongs to.
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("find module root: the working directory is not inside a Go module")
	}
	return filepath.Dir(mod), nil
}
