# The commands of README.md (and of the guides it links). Each installs what it needs first.
#   make preview   the offline preview of every stack: tree, policy results, plan files and a Markdown report in out/preview/
#   make test      type-check, run the TypeScript tests, then the C# tests
#   make policy    run the policy packs offline over every stack (or STACK=<name>)
#   make install   publish dbops and install it as the command `dbops` (PREFIX=/usr/local; PREFIX=$HOME/.local as a user)
#   make verify-local   run `dbops verify` against TLS-only PostgreSQL and Redis started on loopback
#   make bench     time a full verification beside the same checks done with psql and redis-cli
#   make bench-preview   time make preview's work cold, one thread and a thread per core, beside the floor (node, @pulumi/aws, one mocked resource)
#   make dr-drill  the DR runbook's scenarios over the lifecycle simulator, step by step; exit 1 on a failed assertion
#   make bench-db  the database benchmarks: MLflow's queries with MLflow's and the platform's indexes, index builds, archival
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages the tests need: the verifier's tests start PostgreSQL and Redis (with TLS) on loopback.
DEBIAN_PACKAGES := postgresql-15 postgresql-client-15 redis-server redis-tools openssl

export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

NPM_STAMP := node_modules/.installed
DOTNET_STAMP := tests/Dbops.Tests/obj/project.assets.json
CS_SOURCES := Infra.sln $(wildcard dbops/*.csproj bench/Dbops.Bench/*.csproj tests/Dbops.Tests/*.csproj)
DBOPS_DLL := dbops/bin/Release/net10.0/dbops.dll
# The TypeScript that `make preview` runs as JavaScript from bin/ (transpiled by scripts/build-js.js).
TS_SOURCES := $(shell find infra engine preview policy -name '*.ts' -not -path '*/node_modules/*')
JS_STAMP := bin/.built
# `make install`: where the dbops command goes (PREFIX/bin/dbops, its files in PREFIX/lib/dbops).
PREFIX ?= /usr/local
DBOPS_PUBLISH := out/dbops-publish
# make bench's ReadyToRun build, published from a copy of dbops/ (its restore differs: Crossgen2, no ILCompiler).
DBOPS_R2R := out/bench/r2r
DBOPS_R2R_SRC := out/bench/r2r-src
# Native AOT links with the C toolchain (ILCompiler calls clang, or gcc where clang is absent).
AOT_PACKAGES := gcc libc6-dev zlib1g-dev

.PHONY: help preview dr-drill policy test typecheck test-ts test-cs test-published tools clean verify-local bench bench-preview bench-db dbops dbops-bench dbops-publish dbops-r2r install

help:
	@echo "make preview [STACK=<name>] [BASE=<rev>]   offline preview of every stack (or one), no cloud credentials;"
	@echo "                              report and plans in out/preview/; BASE adds the diff against a git revision"
	@echo "make install [PREFIX=<dir>]   install dbops as a command: PREFIX/bin/dbops (default /usr/local)"
	@echo "make test                     every test: TypeScript (program under mocks) and C# (dbops)"
	@echo "make dr-drill [SCENARIO=<id>]  the DR runbook's scenarios (a b c f), step by step, offline; exit 1 on a failed assertion"
	@echo "make policy [STACK=<name>]    the policy packs over every stack (or one), offline; exit 1 on a mandatory violation"
	@echo "make verify-local             dbops verify against PostgreSQL and Redis started on loopback (TLS, no AWS)"
	@echo "make bench                    time dbops verify beside the same checks with psql and redis-cli"
	@echo "make bench-preview            time make preview's work cold (one thread, a thread per core) beside the floor"
	@echo "make bench-db                 database benchmarks at 10 K and 100 K runs (prints Markdown tables)"

tools:
	@scripts/ensure-tools.sh $(DEBIAN_PACKAGES)

$(NPM_STAMP): package.json package-lock.json
	@scripts/ensure-tools.sh $(DEBIAN_PACKAGES)
	npm ci --no-audit --no-fund
	@touch $@

# Build and setup lines go to stderr (as in every recipe a report comes out of): stdout is the report's.
$(DOTNET_STAMP): $(CS_SOURCES)
	@echo "dotnet restore Infra.sln" >&2
	@dotnet restore Infra.sln >&2
	@touch $@

$(JS_STAMP): $(NPM_STAMP) $(TS_SOURCES) scripts/build-js.js
	@node scripts/build-js.js
	@touch $@

preview: $(JS_STAMP)
	@node bin/preview/cli.js $(if $(STACK),--stack $(STACK)) $(if $(BASE),--base $(BASE)) $(ARGS)

dr-drill: $(JS_STAMP)
	@node scripts/dr-drill.js $(if $(SCENARIO),--scenario $(SCENARIO)) $(ARGS)

bench-preview: $(JS_STAMP)
	@scripts/bench-preview.sh

policy: $(NPM_STAMP)
	npx tsx policy/offline/cli.ts $(if $(STACK),--stack $(STACK))

typecheck: $(NPM_STAMP)
	npx tsc --noEmit -p .

# The TypeScript tests write out/contract/<stack>.verification.json, which the C# tests read.
test-ts: $(JS_STAMP) typecheck
	rm -rf out/contract
	npx mocha 'tests/**/*.test.ts'

test-cs: $(DOTNET_STAMP)
	dotnet test Infra.sln --no-restore

# In this order: the C# tests read what the TypeScript tests wrote.
test: tools
	$(MAKE) --no-print-directory test-ts
	$(MAKE) --no-print-directory test-cs

# Release build of the verifier, for the demo and the benchmark.
dbops: $(DOTNET_STAMP)
	@echo "dotnet build dbops/Dbops.csproj -c Release" >&2
	@dotnet build dbops/Dbops.csproj -c Release --no-restore -v quiet -nologo >&2

# dbops as shipped: the Release publish, Native AOT (PublishAot in dbops/Dbops.csproj), for install and bench.
dbops-publish: $(DOTNET_STAMP)
	@scripts/ensure-tools.sh $(AOT_PACKAGES)
	@echo "dotnet publish dbops/Dbops.csproj -c Release -o $(DBOPS_PUBLISH)" >&2
	@dotnet publish dbops/Dbops.csproj -c Release --no-restore -o $(DBOPS_PUBLISH) -v quiet -nologo >&2

# The ReadyToRun build, for make bench only, from a copy of dbops/ so that its own restore leaves dbops/obj alone.
dbops-r2r: $(DOTNET_STAMP)
	@mkdir -p $(DBOPS_R2R_SRC)
	@find $(DBOPS_R2R_SRC) -mindepth 1 -maxdepth 1 ! -name bin ! -name obj -exec rm -rf {} +
	@tar -C dbops --exclude=./bin --exclude=./obj -cf - . | tar -C $(DBOPS_R2R_SRC) -xf -
	@echo "dotnet publish (ReadyToRun, framework-dependent) -o $(DBOPS_R2R)" >&2
	@dotnet publish $(DBOPS_R2R_SRC)/Dbops.csproj -c Release -p:PublishAot=false -p:PublishReadyToRun=true --use-current-runtime --self-contained false -o $(DBOPS_R2R) -v quiet -nologo >&2

# The dbops command: the shipped publish, installed under PREFIX.
install: dbops-publish
	@scripts/install-dbops.sh $(DBOPS_PUBLISH) $(PREFIX)

# The C# tests once more, their command lines run by the shipped executable instead of in-process.
test-published: dbops-publish
	DBOPS_TEST_BINARY=$(abspath $(DBOPS_PUBLISH))/dbops dotnet test tests/Dbops.Tests --no-restore

# Release build of the synthetic workload and the database benchmarks.
dbops-bench: $(DOTNET_STAMP)
	dotnet build bench/Dbops.Bench/Dbops.Bench.csproj -c Release --no-restore -v quiet -nologo

verify-local: tools dbops
	@scripts/verify-local.sh $(ARGS)

bench: tools dbops dbops-publish dbops-r2r
	@scripts/bench.sh

bench-db: tools dbops-bench
	@scripts/ensure-tools.sh time
	@scripts/bench-db.sh

clean:
	rm -rf out bin node_modules dbops/bin dbops/obj bench/Dbops.Bench/bin bench/Dbops.Bench/obj tests/Dbops.Tests/bin tests/Dbops.Tests/obj
