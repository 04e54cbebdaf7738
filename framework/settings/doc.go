// Package settings is how a suite of scenarios learns how to run: the
// environment variables hatest run sets in the suite binaries it starts
// (and that `go test` users may set themselves), read once into a Config.
// It holds no Ginkgo, so the CLI can share the names without linking the
// DSL.
//
//	c, err := settings.Read()          // HATEST_RUNTIME, HATEST_SEED, ...
//	fmt.Println(c.Runtime, c.Why, c.Seed, c.ReportDir)
//	fmt.Println(settings.Replay(c, "overlord in-service upgrade v1 to v2"))
//
// See Example.
package settings
