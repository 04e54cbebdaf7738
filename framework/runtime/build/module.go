package build

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Module builds the main package pkg of module at version, fetched through
// the Go module proxy, as a static binary (CGO_ENABLED=0, -trimpath,
// -ldflags "-s -w") and returns its path. pkg is an import path inside
// module; empty means the module's root package. version is a full release
// or pseudo-version ("v2.14.10"), never a query such as "latest".
//
// The build happens in a throwaway module of its own (go get, then go
// build), removed afterwards, so two releases of one product never meet in
// one go.mod. GOPROXY, GOFLAGS and the other go settings of the environment
// apply. The result is kept in CacheDir under a name made of the package,
// the version and a hash of the three arguments
// (nats-server-v2.14.10-1a2b3c4d): a later call, from this process or
// another, returns it at once. Processes building the same thing at the
// same time take turns through a lock file, so the work is done once.
func Module(ctx context.Context, module, version, pkg string) (string, error) {
	pkg, err := checkModule(module, version, pkg)
	if err != nil {
		return "", err
	}
	what := module + "@" + version
	if pkg != module {
		what = pkg + " of " + what
	}
	fail := func(err error) (string, error) { return "", fmt.Errorf("build %s: %w", what, err) }

	dir, err := CacheDir()
	if err != nil {
		return fail(err)
	}
	final := filepath.Join(dir, moduleBinaryName(module, version, pkg))
	if usable(final) {
		return final, nil
	}

	// One build per binary in this process, and across processes through
	// the lock file.
	unlock := lockKey(final)
	defer unlock()
	work := filepath.Join(dir, "modules")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return fail(err)
	}
	release, err := lockFile(ctx, filepath.Join(work, filepath.Base(final)+".lock"))
	if err != nil {
		return fail(err)
	}
	defer release()
	if usable(final) { // another process built it while we waited
		return final, nil
	}
	// Holding the lock, nobody else builds this binary: a throwaway
	// module left here is from a build that was killed. It goes.
	if stale, err := filepath.Glob(filepath.Join(work, filepath.Base(final)+"-*")); err == nil {
		for _, d := range stale {
			os.RemoveAll(d)
		}
	}

	tmp, err := os.MkdirTemp(work, filepath.Base(final)+"-*")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp)
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte("module hatest.build/throwaway\n\ngo 1.21\n"), 0o644); err != nil {
		return fail(err)
	}
	get := []string{"get", module + "@" + version}
	if pkg != module {
		get = append(get, pkg+"@"+version)
	}
	if out, err := runGo(ctx, tmp, get...); err != nil {
		return fail(explain(ctx, tmp, module, version, out, err, true))
	}
	bin := filepath.Join(tmp, "bin")
	out, err := runGo(ctx, tmp, "build", "-mod=readonly", "-trimpath", "-ldflags", "-s -w", "-o", bin, pkg)
	if err != nil {
		return fail(explain(ctx, tmp, module, version, out, err, false))
	}
	if isArchive(bin) {
		return fail(errors.New("not a main package: name a package with func main, or leave it empty for the module's root"))
	}
	if err := os.Chmod(bin, 0o755); err != nil {
		return fail(err)
	}
	if err := os.Rename(bin, final); err != nil {
		return fail(err)
	}
	return final, nil
}

var (
	fullVersion = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	majorSuffix = regexp.MustCompile(`^v[0-9]+$`)
	unsafeName  = regexp.MustCompile(`[^A-Za-z0-9._+-]+`)
)

// checkModule rejects what go would reject, or would read as a query,
// before running it, and returns the package's full import path.
func checkModule(module, version, pkg string) (string, error) {
	what := module + "@" + version
	switch {
	case module == "":
		return "", errors.New("build module: empty module path: name a Go module, such as github.com/nats-io/nats-server/v2")
	case strings.ContainsAny(module, "@ \t\n\\") || strings.HasPrefix(module, "/") || strings.HasPrefix(module, ".") ||
		strings.HasSuffix(module, "/") || strings.Contains(module, "//") || !strings.Contains(strings.SplitN(module, "/", 2)[0], "."):
		return "", fmt.Errorf("build %s: %q is not a module path: give one as go.mod names it, such as github.com/nats-io/nats-server/v2", what, module)
	case version == "":
		return "", fmt.Errorf("build %s: empty version: name a released version, such as v2.14.10", module)
	case version[0] >= '0' && version[0] <= '9':
		return "", fmt.Errorf("build %s: version %q does not start with v: write it as the module proxy does, v%s", what, version, version)
	case !fullVersion.MatchString(version):
		return "", fmt.Errorf("build %s: version %q is not a full version: name one as vMAJOR.MINOR.PATCH, such as v2.14.10 (queries like latest or v2.14 are not taken)", what, version)
	}
	if m := fullVersion.FindStringSubmatch(version); m != nil && m[1] != "0" && m[1] != "1" && !strings.HasSuffix(version, "+incompatible") &&
		!strings.HasSuffix(module, "/v"+m[1]) {
		return "", fmt.Errorf("build %s: a v%s version needs the module path %s/v%s, as its go.mod names it", what, m[1], module, m[1])
	}
	if pkg == "" {
		return module, nil
	}
	if pkg != module && !strings.HasPrefix(pkg, module+"/") || strings.ContainsAny(pkg, "@ \t\n\\") || strings.HasSuffix(pkg, "/") || strings.Contains(pkg, "...") {
		return "", fmt.Errorf("build %s: package %q is not inside module %s: give its import path (%s/...), or leave it empty for the module's root", what, pkg, module, module)
	}
	return pkg, nil
}

// moduleBinaryName is <package base>-<version>-<hash8>: nats-server for
// github.com/nats-io/nats-server/v2, whose last element is a major version.
func moduleBinaryName(module, version, pkg string) string {
	base := path.Base(pkg)
	if majorSuffix.MatchString(base) && strings.Contains(pkg, "/") {
		base = path.Base(path.Dir(pkg))
	}
	sum := sha256.Sum256([]byte(module + "\x00" + version + "\x00" + pkg))
	return unsafeName.ReplaceAllString(base, "-") + "-" + unsafeName.ReplaceAllString(version, "-") + "-" + hex.EncodeToString(sum[:4])
}

// usable says whether p is a nonempty executable file.
func usable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Size() > 0 && fi.Mode().Perm()&0o111 != 0
}

// isArchive says whether go build wrote a package archive: it does so, with
// -o, for a package that is not main.
func isArchive(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := f.Read(head)
	return string(head[:n]) == "!<arch>\n"
}

var keys = struct {
	sync.Mutex
	m map[string]*sync.Mutex
}{m: map[string]*sync.Mutex{}}

// lockKey serializes builds of one binary within this process (flock
// locks belong to the open file, not to the process).
func lockKey(k string) func() {
	keys.Lock()
	m, ok := keys.m[k]
	if !ok {
		m = &sync.Mutex{}
		keys.m[k] = m
	}
	keys.Unlock()
	m.Lock()
	return m.Unlock
}

// lockFile takes an exclusive flock on p, waiting for it as long as ctx
// allows. The kernel drops the lock when its holder dies, so a killed build
// never blocks the next one.
func lockFile(ctx context.Context, p string) (func(), error) {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			// Removing the file before unlocking is safe: whoever waits on
			// it finds the binary, or builds it again. Closing the file
			// drops the lock.
			return func() {
				os.Remove(p)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", p, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for another build of it: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// runGo runs the go command in dir with the environment's settings, cgo
// off and no workspace, and returns its combined output.
func runGo(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off")
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// explain turns a failed go command into one line that says what to do.
// fetching says it was go get, whose "not found" is about the version.
func explain(ctx context.Context, dir, module, version, out string, err error, fetching bool) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	line := firstProblem(out)
	if line == "" {
		return fmt.Errorf("go: %w", err)
	}
	low := strings.ToLower(line)
	switch {
	case strings.Contains(low, "module lookup disabled by goproxy=off"):
		return errors.New("GOPROXY=off and the module cache does not hold it: allow the module proxy (GOPROXY) or download the module first")
	case strings.Contains(low, "does not contain package"):
		return errors.New("that version of the module has no such package: name a package inside the module, or leave it empty for the module's root")
	case strings.Contains(low, "requires go >="):
		return fmt.Errorf("%s: set GOTOOLCHAIN to a newer Go, or name an older version", strings.TrimPrefix(line, "go: "))
	case strings.Contains(low, "dial tcp") || strings.Contains(low, "no such host") || strings.Contains(low, "i/o timeout") ||
		strings.Contains(low, "connection refused") || strings.Contains(low, "tls handshake"):
		if i := strings.Index(line, "dial tcp"); i >= 0 {
			line = line[i:]
		}
		return fmt.Errorf("the module proxy cannot be reached (%s): check GOPROXY and the network", line)
	case fetching && (strings.Contains(low, "not available") || strings.Contains(low, "unknown revision") ||
		strings.Contains(low, "invalid version") || strings.Contains(low, "not found") ||
		strings.Contains(low, "403 forbidden") || strings.Contains(low, "410 gone")):
		if newest := newestVersion(ctx, dir, module); newest != "" {
			return fmt.Errorf("the module proxy does not serve that version: name a released version, such as %s (go list -m -versions %s lists them)", newest, module)
		}
		return fmt.Errorf("the module proxy serves no module %s at %s: check the module path and the version", module, version)
	}
	return errors.New(line)
}

// firstProblem is the first line of go's output that is not progress:
// "go: downloading ..." and "# pkg" headers are skipped. Long lines are
// cut.
func firstProblem(out string) string {
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "", strings.HasPrefix(l, "#"),
			strings.HasPrefix(l, "go: downloading "), strings.HasPrefix(l, "go: finding "),
			strings.HasPrefix(l, "go: added "), strings.HasPrefix(l, "go: upgraded "),
			strings.HasPrefix(l, "go: found "), strings.HasPrefix(l, "go: extracting "):
			continue
		}
		if len(l) > 300 {
			l = l[:300] + "..."
		}
		return l
	}
	return ""
}

// newestVersion asks the proxy for the module's newest release, or "" if
// it lists none (an unknown module, or one with pseudo-versions only).
func newestVersion(ctx context.Context, dir, module string) string {
	out, err := runGo(ctx, dir, "list", "-m", "-versions", module)
	if err != nil {
		return ""
	}
	f := strings.Fields(strings.TrimSpace(out))
	if len(f) < 2 || f[0] != module {
		return ""
	}
	// The list is in semver order; prefer the newest without a pre-release.
	for i := len(f) - 1; i >= 1; i-- {
		if !strings.Contains(f[i], "-") {
			return f[i]
		}
	}
	return f[len(f)-1]
}
