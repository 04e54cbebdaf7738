// Package scenarios is hatest's reference scenario catalogue: a Ginkgo
// suite that exercises the reference HA system in fixtures/. Scenarios
// labelled "gate" are the release gate; "negative" ones inject a real
// defect and must be reported as failures.
//
//	hatest run --label-filter gate ./scenarios
//	go test ./scenarios            # the same, with the runtime chosen automatically
package scenarios
