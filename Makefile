# hatest: `make demo` runs the reference scenario and writes the report;
# `make test` runs every test, including the Docker-backed scenarios when a
# Docker engine answers (and fails loudly, never skips, when it should and
# does not).
GO      ?= go
HATEST  := bin/hatest
PURE    := ./framework/timeline/... ./framework/probe/... ./framework/check/... ./framework/gate/... ./framework/analysis/... ./framework/format/... ./framework/result/... ./framework/shrink/... ./reports
# Packages whose tests run scenarios and judge them (hatest run end to end,
# calibration): a scenario on a machine that is busy with other tests is
# rightly judged INVALID (its probe falls behind), so these run one package
# at a time, with nothing else beside them. The example suite runs after
# them, alone, with the catalogue's attempts.
MEASURING := ./cmd/hatest ./framework/calibrate
# everything else but the scenario suite and the browser test, which run on their own below
OTHER    = $$($(GO) list ./... | grep -v -e /scenarios -e /reports -e /framework/timeline -e /framework/probe -e /framework/check -e /framework/gate -e /framework/analysis -e /framework/format -e /framework/result -e /framework/shrink -e /cmd/hatest -e /fixtures/example/suite -e /framework/calibrate)
GOLANGCI_VERSION := v2.15.0
# The catalogue's budgets are real claims measured on a noisy two-core
# machine: a scenario must fail three times in a row to fail `make test`
# (on a machine with CPU steal, a run the probe could not vouch for, INVALID,
# came twice in a row about once a catalogue). A pass on a later attempt is
# printed as FLAKY, with the attempt before's failure, and marked so in
# results.json and index.html. ATTEMPTS= turns this off.
ATTEMPTS ?= -ginkgo.flake-attempts=3
# make test's own reports, apart from make demo's hatest-out/ so that
# neither run clears the other's.
TESTOUT := $(CURDIR)/hatest-test

.PHONY: all build demo test leaks lint clean

all: build

build:
	$(GO) build -o $(HATEST) ./cmd/hatest

## demo: build the fixtures and images, run the gate scenarios, write hatest-out/index.html
demo: build
	@$(HATEST) run --label-filter gate ./scenarios; code=$$?; \
	echo; echo "report: $$(pwd)/hatest-out/index.html"; exit $$code

## test: vet, unit tests (race detector on the pure packages), the runtimes' own tests,
## the scenario catalogue (on Docker when an engine answers) with its negative controls,
## the same catalogue again on local processes, the NATS cluster catalogue on both runtimes (its faults below the proxy on Docker only),
## the suite of faults below the proxy (Docker only) with its negative control, the browser test of a real report, a leak check
test: build
	$(GO) vet ./...
	$(GO) test -race -count=1 $(PURE)
	HATEST_REPORT_DIR=$(TESTOUT)/other $(GO) test -count=1 $(OTHER)
	HATEST_REPORT_DIR=$(TESTOUT)/measuring $(GO) test -count=1 -p 1 $(MEASURING)
	HATEST_REPORT_DIR=$(TESTOUT)/example $(GO) test -count=1 ./fixtures/example/suite -args $(ATTEMPTS)
	HATEST_REPORT_DIR=$(TESTOUT)/catalogue $(GO) test -count=1 -timeout 30m ./scenarios -args $(ATTEMPTS)
	HATEST_RUNTIME=process HATEST_REPORT_DIR=$(TESTOUT)/process \
	  $(GO) test -count=1 -timeout 10m -run TestScenarios ./scenarios -args $(ATTEMPTS)
	HATEST_REPORT_DIR=$(TESTOUT)/nats $(GO) test -count=1 -timeout 15m ./scenarios/nats -args $(ATTEMPTS)
	HATEST_RUNTIME=process HATEST_REPORT_DIR=$(TESTOUT)/nats-process \
	  $(GO) test -count=1 -timeout 10m -run TestNATS ./scenarios/nats -args $(ATTEMPTS) -ginkgo.label-filter='!network'
	HATEST_RUNTIME=docker HATEST_REPORT_DIR=$(TESTOUT)/network \
	  $(GO) test -count=1 -timeout 15m ./scenarios/network -args $(ATTEMPTS)
	HATEST_BROWSER_REPORT_DIR=$(TESTOUT)/catalogue HATEST_ARTIFACT_DIR=$(TESTOUT)/screenshots \
	  $(GO) test -count=1 ./reports/browser
	$(MAKE) leaks

## leaks: no container, network or volume labelled hatest.run may outlive the process
## that made it (resources of a hatest run still going, say in another terminal, are left be)
leaks:
	@if docker info >/dev/null 2>&1; then \
	  left=$$( { docker ps -a --filter label=hatest.run --format 'container {{.Names}} {{.Label "hatest.pid"}}'; \
	             docker network ls --filter label=hatest.run --format 'network {{.Name}} {{.Label "hatest.pid"}}'; \
	             docker volume ls --filter label=hatest.run --format 'volume {{.Name}} {{.Label "hatest.pid"}}'; } | \
	           while read -r kind name pid; do \
	             if [ -n "$$pid" ] && kill -0 "$$pid" 2>/dev/null && ! sed 's/.*) //' /proc/$$pid/stat 2>/dev/null | grep -q '^Z'; then echo "leaks: $$kind $$name belongs to live process $$pid; not a leak" >&2; \
	             else echo "$$kind $$name (made by process $${pid:-?}, which is gone)"; fi; done ); \
	  if [ -n "$$left" ]; then echo "leak: hatest.run resources remain:"; echo "$$left"; exit 1; fi; \
	  echo "leaks: no hatest.run container, network or volume of a finished run remains"; \
	else echo "leaks: no docker engine answers; nothing to check"; fi

lint:
	$(GO) mod tidy -diff || { echo "go.mod/go.sum: run go mod tidy"; exit 1; }
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION) run ./...

clean:
	rm -rf bin hatest-out hatest-test
