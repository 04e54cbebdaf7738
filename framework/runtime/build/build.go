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
	tmp, err := os.CreateTemp(dir, "build-*")
	if err != nil {
		return "", fmt.Errorf("build %s: %w", pkg, err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	args := []string{"build", "-trimpath", "-ldflags", strings.TrimSpace("-s -w " + ldflags), "-o", tmp.Name(), pkg}
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
	built[key] = final
	return final, nil
}

var (
	mu    sync.Mutex
	built = map[string]string{}
)

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
