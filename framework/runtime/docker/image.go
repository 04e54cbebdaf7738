package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	buildtypes "github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/build"
)

// toxiproxyPackage is built into the run's toxiproxy image.
const toxiproxyPackage = "github.com/Shopify/toxiproxy/v2/cmd/server"

// images caches resolved image tags for the whole process, so that an image
// is inspected or built once however many nodes use it.
var images = struct {
	sync.Mutex
	m map[string]*imageEntry
}{m: map[string]*imageEntry{}}

type imageEntry struct {
	done chan struct{}
	tag  string
	err  error
}

// Image returns the local tag of version of sw, building it if needed:
// Image builds must exist locally (never pulled); Package and Module builds
// become an image FROM scratch tagged hatest/<name>:<version>-<sha12>, the
// hash of its content (and of module@version for a Module build); Dir
// builds use the directory's Dockerfile, tagged by a hash of the directory.
func (r *Runtime) Image(ctx context.Context, sw runtime.Software, version string) (string, error) {
	b, ok := sw.Versions[version]
	if !ok {
		return "", fmt.Errorf("software %s has no version %q", sw.Name, version)
	}
	return r.image(ctx, sw.Name, version, b)
}

func (r *Runtime) image(ctx context.Context, name, version string, b runtime.Build) (string, error) {
	key, err := cacheKey(name, version, b)
	if err != nil {
		return "", err
	}
	images.Lock()
	e, ok := images.m[key]
	if !ok {
		e = &imageEntry{done: make(chan struct{})}
		images.m[key] = e
		images.Unlock()
		e.tag, e.err = r.resolve(ctx, name, version, b)
		if e.err != nil {
			images.Lock()
			delete(images.m, key) // let a later call try again
			images.Unlock()
		}
		close(e.done)
		return e.tag, e.err
	}
	images.Unlock()
	select {
	case <-e.done:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if e.err != nil {
		return e.tag, e.err
	}
	// The engine may have lost the image since (docker rmi, a prune):
	// testcontainers-go would then try to pull it. Look again.
	if _, err := r.cli.ImageInspect(ctx, e.tag); cerrdefs.IsNotFound(err) {
		images.Lock()
		if images.m[key] == e {
			delete(images.m, key)
		}
		images.Unlock()
		return r.image(ctx, name, version, b)
	}
	return e.tag, nil
}

func cacheKey(name, version string, b runtime.Build) (string, error) {
	j, err := json.Marshal(b)
	if err != nil {
		return "", err
	}
	return name + "\x00" + version + "\x00" + string(j), nil
}

func (r *Runtime) resolve(ctx context.Context, name, version string, b runtime.Build) (string, error) {
	switch {
	case b.Image != "":
		if _, err := r.cli.ImageInspect(ctx, b.Image); err != nil {
			if cerrdefs.IsNotFound(err) {
				return "", fmt.Errorf("image %s: %w (hatest never pulls: build or load it into the engine first)", b.Image, runtime.ErrMissingImage)
			}
			return "", fmt.Errorf("inspect image %s: %w", b.Image, err)
		}
		return b.Image, nil
	case b.Package != "" || b.Module != "":
		return r.packageImage(ctx, name, version, b)
	case b.Dir != "":
		return r.dirImage(ctx, name, version, b.Dir)
	case b.Binary != "":
		return "", fmt.Errorf("%s %s: a Binary build runs only in the process runtime; give it a Package, Dir or Image", name, version)
	default:
		return "", fmt.Errorf("%s %s: empty build (set Image, Package, Module or Dir)", name, version)
	}
}

// file is one file of a build context.
type file struct {
	name string // in the context and at / in the image
	path string // on disk, or
	data []byte // content
	mode int64
}

func (r *Runtime) packageImage(ctx context.Context, name, version string, b runtime.Build) (string, error) {
	start := time.Now()
	main, err := goBinary(ctx, b)
	if err != nil {
		return "", err
	}
	bin := path0(name)
	files := []file{{name: bin, path: main, mode: 0o755}}
	extras := make([]string, 0, len(b.Extra))
	for k := range b.Extra {
		extras = append(extras, k)
	}
	sort.Strings(extras)
	for _, k := range extras {
		x := b.Extra[k]
		if x.Package == "" && x.Module == "" || strings.ContainsAny(k, "/\\") || k == bin || k == "Dockerfile" || k == "." || k == ".." {
			return "", fmt.Errorf("%s %s: extra %q must be a Package or Module build with a plain file name", name, version, k)
		}
		p, err := goBinary(ctx, x)
		if err != nil {
			return "", err
		}
		files = append(files, file{name: k, path: p, mode: 0o755})
	}
	srcs := make([]string, len(files))
	for i, f := range files {
		srcs[i] = f.name
	}
	dockerfile := fmt.Sprintf("FROM scratch\nCOPY %s /\nENTRYPOINT [%q]\n", strings.Join(srcs, " "), "/"+bin)
	files = append([]file{{name: "Dockerfile", data: []byte(dockerfile), mode: 0o644}}, files...)

	h := sha256.New()
	if b.Module != "" {
		fmt.Fprintf(h, "module %s@%s %s\n", b.Module, b.ModuleVersion, b.Package)
	}
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		hs := hex.EncodeToString(sum[:])
		if f.path != "" {
			if hs, err = build.FileHash(f.path); err != nil {
				return "", fmt.Errorf("hash %s: %w", f.path, err)
			}
		}
		fmt.Fprintf(h, "%s %o %s\n", f.name, f.mode, hs)
	}
	tag := imageTag(name, version, hex.EncodeToString(h.Sum(nil))[:12])
	return r.buildIfMissing(ctx, tag, name, start, func() (io.Reader, error) { return tarFiles(files) })
}

// goBinary builds a Package or Module build into a static binary: a Module
// build (a released program from the module proxy) with build.Module, a
// Package build with build.Binary.
func goBinary(ctx context.Context, b runtime.Build) (string, error) {
	if b.Module != "" {
		return build.Module(ctx, b.Module, b.ModuleVersion, b.Package)
	}
	return build.Binary(ctx, b.Package, b.LDFlags)
}

func (r *Runtime) dirImage(ctx context.Context, name, version, dir string) (string, error) {
	start := time.Now()
	if !filepath.IsAbs(dir) {
		root, err := build.ModuleRoot()
		if err == nil {
			if _, err := os.Stat(filepath.Join(root, dir)); err == nil {
				dir = filepath.Join(root, dir)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "Dockerfile")); err != nil {
		return "", fmt.Errorf("%s %s: %w", name, version, err)
	}
	var files []file
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files = append(files, file{name: filepath.ToSlash(rel), path: p, mode: int64(info.Mode().Perm())})
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("%s %s: read %s: %w", name, version, dir, err)
	}
	ctxTar, err := tarFiles(files)
	if err != nil {
		return "", err
	}
	data := ctxTar.(*bytes.Reader)
	h := sha256.New()
	if _, err := data.WriteTo(h); err != nil {
		return "", err
	}
	tag := imageTag(name, version, hex.EncodeToString(h.Sum(nil))[:12])
	return r.buildIfMissing(ctx, tag, name, start, func() (io.Reader, error) { return tarFiles(files) })
}

// buildIfMissing returns tag if the engine has it, else builds it from the
// context that mk makes, with the classic builder.
func (r *Runtime) buildIfMissing(ctx context.Context, tag, name string, start time.Time, mk func() (io.Reader, error)) (string, error) {
	if _, err := r.cli.ImageInspect(ctx, tag); err == nil {
		r.logf("image %s: present (%v)", tag, time.Since(start).Round(time.Millisecond))
		return tag, nil
	} else if !cerrdefs.IsNotFound(err) {
		return "", fmt.Errorf("inspect image %s: %w", tag, err)
	}
	t0 := time.Now()
	buildCtx, err := mk()
	if err != nil {
		return "", fmt.Errorf("build image %s: %w", tag, err)
	}
	res, err := r.cli.ImageBuild(ctx, buildCtx, client.ImageBuildOptions{
		Tags:        []string{tag},
		Dockerfile:  "Dockerfile",
		Remove:      true,
		ForceRemove: true,
		Version:     buildtypes.BuilderV1,
		Labels:      map[string]string{"hatest.software": name},
	})
	if err != nil {
		return "", fmt.Errorf("build image %s: %w", tag, err)
	}
	defer res.Body.Close()
	var out strings.Builder
	dec := json.NewDecoder(res.Body)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return "", fmt.Errorf("build image %s: read output: %w", tag, err)
		}
		if m.Error != nil {
			return "", fmt.Errorf("build image %s: %s\n%s", tag, m.Error.Message, strings.TrimSpace(out.String()))
		}
		out.WriteString(m.Stream)
	}
	if _, err := r.cli.ImageInspect(ctx, tag); err != nil {
		return "", fmt.Errorf("build image %s: not there after the build: %w\n%s", tag, err, strings.TrimSpace(out.String()))
	}
	r.logf("image %s: built in %v (docker build %v)", tag, time.Since(start).Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
	return tag, nil
}

// tarFiles makes a build context. Headers carry no times or owners, so the
// same files give the same bytes.
func tarFiles(files []file) (io.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		data := f.data
		if f.path != "" {
			var err error
			if data, err = os.ReadFile(f.path); err != nil {
				return nil, err
			}
		}
		hdr := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(data)), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return bytes.NewReader(buf.Bytes()), nil
}

var badRepo = regexp.MustCompile(`[^a-z0-9._-]+`)
var badTag = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// path0 is the file name of a software's main binary in its image.
func path0(name string) string {
	s := badRepo.ReplaceAllString(strings.ToLower(name), "-")
	s = strings.Trim(s, "._-")
	if s == "" {
		s = "main"
	}
	return s
}

// imageTag is hatest/<name>:<version>-<sum>, or hatest/<name>:<sum>
// without a version.
func imageTag(name, version, sum string) string {
	v := strings.TrimLeft(badTag.ReplaceAllString(version, "-"), ".-")
	if v != "" {
		sum = v + "-" + sum
	}
	if len(sum) > 128 {
		sum = sum[len(sum)-128:]
	}
	return "hatest/" + path0(name) + ":" + sum
}
