package system

import (
	"strings"

	"github.com/hatest/hatest/framework/runtime"
)

// The reference system lives in fixtures/. These are the builds a scenario
// can name. A flavoured driver ("v2-crash") is built from the same source
// with main.flavor set, so each is its own binary and image, as releases
// are.
const fixtures = "github.com/hatest/hatest/fixtures/"

// DriverVersions are the driver builds the overlord can load.
var DriverVersions = []string{"v1", "v2", "v3", "v2-crash", "v2-slow", "v2-amnesia", "v2-rogue"}

// ClientVersions are the client builds.
var ClientVersions = []string{"v1", "v2", "v3"}

func versionFlags(version string) string {
	base, flavor, _ := strings.Cut(version, "-")
	flags := "-X main.version=" + base
	if flavor != "" {
		flags += " -X main.flavor=" + flavor
	}
	return flags
}

// DriverBuild is the build of one driver version.
func DriverBuild(version string) runtime.Build {
	return runtime.Build{Package: fixtures + "driver", LDFlags: versionFlags(version)}
}

// OverlordSoftware is the overlord with every driver version next to it,
// the way a real HA manager has every software load on disk. The image is
// the same whatever version the overlord starts first, so every key maps
// to one build.
func OverlordSoftware() runtime.Software {
	extra := map[string]runtime.Build{}
	for _, v := range DriverVersions {
		extra["driver-"+v] = DriverBuild(v)
	}
	b := runtime.Build{Package: fixtures + "overlord", Extra: extra}
	sw := runtime.Software{Name: "overlord", Versions: map[string]runtime.Build{}}
	for _, v := range DriverVersions {
		sw.Versions[v] = b
	}
	return sw
}

// ClientSoftware is the probe client at every client version.
func ClientSoftware() runtime.Software {
	sw := runtime.Software{Name: "client", Versions: map[string]runtime.Build{}}
	for _, v := range ClientVersions {
		sw.Versions[v] = runtime.Build{Package: fixtures + "client", LDFlags: versionFlags(v)}
	}
	return sw
}
