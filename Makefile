# The README's commands. Each installs what it needs first.
#   make preview   evaluate every stack offline under the Pulumi runtime mocks and print its resources
#   make test      type-check, run the TypeScript tests, then the C# tests
#   make policy    run the policy packs offline over every stack (or STACK=<name>)
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages the tests need; the verifier's tests will add PostgreSQL and Redis here.
DEBIAN_PACKAGES :=

export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

NPM_STAMP := node_modules/.installed
DOTNET_STAMP := tests/Dbops.Tests/obj/project.assets.json
CS_SOURCES := Infra.sln $(wildcard dbops/*.csproj tests/Dbops.Tests/*.csproj)

.PHONY: help preview policy test typecheck test-ts test-cs tools clean

help:
	@echo "make preview [STACK=<name>]   offline evaluation of every stack (or one), no cloud credentials"
	@echo "make test                     every test: TypeScript (program under mocks) and C# (dbops)"
	@echo "make policy [STACK=<name>]    the policy packs over every stack (or one), offline; exit 1 on a mandatory violation"

tools:
	@scripts/ensure-tools.sh $(DEBIAN_PACKAGES)

$(NPM_STAMP): package.json package-lock.json
	@scripts/ensure-tools.sh $(DEBIAN_PACKAGES)
	npm ci --no-audit --no-fund
	@touch $@

$(DOTNET_STAMP): $(CS_SOURCES)
	dotnet restore Infra.sln
	@touch $@

preview: $(NPM_STAMP)
	npx tsx preview/cli.ts $(if $(STACK),--stack $(STACK))

policy: $(NPM_STAMP)
	npx tsx policy/offline/cli.ts $(if $(STACK),--stack $(STACK))

typecheck: $(NPM_STAMP)
	npx tsc --noEmit -p .

# The TypeScript tests write out/contract/<stack>.verification.json, which the C# tests read.
test-ts: $(NPM_STAMP) typecheck
	rm -rf out/contract
	npx mocha

test-cs: $(DOTNET_STAMP)
	dotnet test Infra.sln --no-restore

# In this order: the C# tests read what the TypeScript tests wrote.
test: tools
	$(MAKE) --no-print-directory test-ts
	$(MAKE) --no-print-directory test-cs

clean:
	rm -rf out bin node_modules dbops/bin dbops/obj tests/Dbops.Tests/bin tests/Dbops.Tests/obj
