package plan

import (
	"maps"

	"github.com/hatest/hatest/framework/system"
)

// File gives the program a file named name holding content, for a setting
// it takes only from a file; "${FILE:<name>}" in its Args is the file's
// path as the program sees it. Every member of a cluster gets it, and
// every upgrade puts it back as given:
//
//	s.Cluster("nats", members, "v2.14.10", natsServer,
//		scenario.File("nats.conf", "lame_duck_duration: 30s\n"),
//		scenario.Args("-c", "${FILE:nats.conf}", ...))
//
// A name is a plain file name: not empty, no '/', not "." or "..".
func File(name, content string) ProgramOption {
	return func(c *system.ServiceSpec) {
		c.Files = maps.Clone(c.Files)
		if c.Files == nil {
			c.Files = map[string]string{}
		}
		c.Files[name] = content
	}
}
