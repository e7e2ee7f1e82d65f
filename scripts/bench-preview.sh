#!/usr/bin/env bash
# Times the offline preview's main job, cold: every stack evaluated, both policy
# packs run, plan files and the report written, by a new node process each run
# (nothing kept between runs: no daemon, no compile cache). Beside it, the floor
# any such run pays: node starting, and node starting plus loading @pulumi/aws.
# For comparison, one run each the slower ways: the packs started as the Pulumi
# CLI starts them (gRPC, type-checked TypeScript) and the TypeScript run by tsx.
#
#   scripts/bench-preview.sh                 RUNS=7 by default
#   DROP_CACHES=1 scripts/bench-preview.sh   also empty the OS file cache before each
#                                            run (root only; it slows everything on the
#                                            machine for a moment, so it is opt-in)
# The target: at most 3 s wall-clock on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-7}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
node scripts/build-js.js

drop_caches() {
    if [[ "${DROP_CACHES:-0}" == 1 ]]; then sync && echo 3 >/proc/sys/vm/drop_caches; fi
}

# Prints the wall-clock milliseconds of one run of the command (its output discarded).
millis() {
    drop_caches
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "command failed: $*" >&2; exit 1; }
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

# "min / median / max" of RUNS runs, in seconds.
series() {
    local samples=()
    for ((i = 0; i < RUNS; i++)); do samples+=("$(millis "$@")"); done
    printf '%s\n' "${samples[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f / %.2f / %.2f s", v[1] / 1000, v[int((NR + 1) / 2)] / 1000, v[NR] / 1000 }'
}

echo "offline preview benchmark: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), node $(node --version), ${RUNS} runs each$([[ "${DROP_CACHES:-0}" == 1 ]] && echo ', file cache dropped before each run')"
printf '  %-62s %s\n' "floor: node starts" "$(series node -e 0)"
printf '  %-62s %s\n' "floor: node starts and loads @pulumi/aws" "$(series node -e 'require("@pulumi/aws")')"
printf '  %-62s %s\n' "make preview: 4 stacks, policies, plans, report" "$(series node bin/preview/cli.js --out "$OUT")"
RUNS=1
printf '  %-62s %s\n' "for comparison (1 run): packs started as the CLI does (gRPC)" "$(series node bin/preview/cli.js --out "$OUT" --policy-transport grpc)"
printf '  %-62s %s\n' "for comparison (1 run): the TypeScript run by tsx" "$(TSX_DISABLE_CACHE=1 series node_modules/.bin/tsx preview/cli.ts --out "$OUT")"
echo "  (min / median / max wall-clock; the target is at most 3 s)"
