package plan

import "github.com/hatest/hatest/framework/runtime"

// GoModule is a released Go program at several versions, fetched through
// the Go module proxy: each version key is a version of module ("v2.14.10"),
// and its build is the main package pkg (an import path inside module;
// empty means module itself) of module at that version, built statically
// in a throwaway module of its own (build.Module), cached by module and
// version. The Docker runtime puts each in an image FROM scratch; the
// process runtime runs it as it is. Two releases of one product can so sit
// in one suite:
//
//	nats := scenario.GoModule("nats", "github.com/nats-io/nats-server/v2", "", "v2.14.10", "v2.15.3")
//	svc := s.Program("nats", "v2.14.10", nats,
//		scenario.Port("4222"),
//		scenario.Args("-a", "${HOST}", "-p", "${PORT:4222}", "-js", "-sd", "${DATA}"),
//		scenario.DataDir(),
//	)
//	s.Step(upgrade.Replace("nats", "v2.14.10", "v2.15.3"))
//
// The version keys are the module versions as given: they are what
// reports show.
func GoModule(name, module, pkg string, versions ...string) runtime.Software {
	sw := runtime.Software{Name: name, Versions: map[string]runtime.Build{}}
	for _, v := range versions {
		sw.Versions[v] = runtime.Build{Module: module, ModuleVersion: v, Package: pkg}
	}
	return sw
}
