#!/usr/bin/env bash
# `make verify-local`: the verifier's demo without AWS. Starts TLS-only PostgreSQL and Redis
# on loopback (scripts/local-stores.sh), applies the platform's migrations (dbops migrate, as a
# deploy does), runs `dbops verify` against the contract written for them, and stops them
# again. Extra arguments go to dbops verify (e.g. --format json). Only dbops verify's report
# goes to stdout; every other line (setup, the migration, the exit code) goes to stderr, so
# `make verify-local ARGS="--format json" | jq` reads JSON and nothing else.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DBOPS="${DBOPS:-$ROOT/dbops/bin/Release/net10.0/dbops.dll}"
[ -f "$DBOPS" ] || { echo "verify-local: $DBOPS not built (make verify-local builds it)" >&2; exit 2; }

dir="$(mktemp -d /tmp/dbops-local.XXXXXX)"
trap '"$ROOT/scripts/local-stores.sh" stop "$dir" >&2' EXIT
"$ROOT/scripts/local-stores.sh" start "$dir" >&2
# As a deploy does: the platform's migrations, then the verification (which expects their indexes).
echo "+ dbops migrate --outputs $dir/contract.json --ca-bundle $dir/ca.pem" >&2
dotnet "$DBOPS" migrate --outputs "$dir/contract.json" --ca-bundle "$dir/ca.pem" 2>/dev/null | tail -1 >&2

echo "+ dbops verify --outputs $dir/contract.json --ca-bundle $dir/ca.pem $*" >&2
set +e
dotnet "$DBOPS" verify --outputs "$dir/contract.json" --ca-bundle "$dir/ca.pem" "$@"
code=$?
set -e
echo "dbops verify exited with $code (0 all passed, 1 a check failed, 2 unusable input)" >&2
exit "$code"
