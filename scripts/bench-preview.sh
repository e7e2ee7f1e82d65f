#!/usr/bin/env bash
# Times the offline preview's main job, cold: every stack evaluated, the provider's
# and AWS's rules and both policy packs run, plan files and the report written, by a
# new node process each run (nothing kept between runs: no daemon; the V8 code cache of the
# command's bundle is the build's output, written before the first run and never by a run,
# preview/bundled.ts; a series with it switched off is shown beside).
# Beside it, in the same run and alternated with it, so that both meet the same load:
#   - the floor any such run pays: node starting, loading @pulumi/aws and registering
#     one resource under the runtime mocks;
#   - the sequential path (--jobs 1: every stack in one thread, as before issue 20)
#     and the concurrent one (--jobs <cores>: a worker thread per core; the command's
#     default is one per core the load average leaves idle, so either of the two);
#   - with BASELINE=<git revision>, that revision's own preview, built apart.
# Then the ratio of each to the floor, and where the time goes (--timings).
# For comparison, one run each the slower ways: the packs started as the Pulumi CLI
# starts them (gRPC, type-checked TypeScript) and the TypeScript run by tsx.
#
#   scripts/bench-preview.sh                    RUNS=7 by default
#   BASELINE=main scripts/bench-preview.sh      also that revision's preview
#   COMPARE=0 scripts/bench-preview.sh          leave out the gRPC and tsx runs
#   DROP_CACHES=1 scripts/bench-preview.sh      also empty the OS file cache before each
#                                               run (root only; it slows everything on the
#                                               machine for a moment, so it is opt-in)
# The target (issue 20): the preview within 2 times the floor.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-7}
OUT=$(mktemp -d)
BASE_DIR=""
cleanup() { rm -rf "$OUT" ${BASE_DIR:+"$BASE_DIR"}; }
trap cleanup EXIT
node scripts/build-js.js

# The baseline is its own tree inside this checkout (so that it finds its Pulumi.yaml,
# stacks, policy config and this checkout's node_modules), transpiled as make preview does.
if [[ -n "${BASELINE:-}" ]]; then
    commit=$(git rev-parse --verify --quiet "${BASELINE}^{commit}") || { echo "BASELINE=${BASELINE} is not a git revision" >&2; exit 2; }
    BASE_DIR=$(mktemp -d "$PWD/.bench-baseline-XXXXXX")
    paths=()
    for p in Pulumi.yaml package.json infra engine preview policy stacks scripts/build-js.js; do
        git cat-file -e "$commit:$p" 2>/dev/null && paths+=("$p")
    done
    git archive --format=tar "$commit" -- "${paths[@]}" | tar -xf - -C "$BASE_DIR"
    ln -s "$PWD/node_modules" "$BASE_DIR/node_modules"
    node "$BASE_DIR/scripts/build-js.js"
fi

FLOOR_JS='
const pulumi = require("@pulumi/pulumi");
const aws = require("@pulumi/aws");
Promise.resolve(pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "floor", "floor", true))
    .then(() => new aws.kms.Key("floor", { description: "one mocked resource" }).urn.apply((urn) => { if (!urn.startsWith("urn:pulumi:")) process.exit(1); }));
'

drop_caches() {
    if [[ "${DROP_CACHES:-0}" == 1 ]]; then sync && echo 3 >/proc/sys/vm/drop_caches; fi
}

# The wall-clock milliseconds of one run of the command (its output discarded).
millis() {
    drop_caches
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "command failed: $*" >&2; exit 1; }
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

floor() { node -e "$FLOOR_JS"; }
sequential() { node bin/preview/cli.js --out "$OUT/seq" --jobs 1; }
uncached() { PREVIEW_CODE_CACHE=0 node bin/preview/cli.js --out "$OUT/unc" --jobs 1; }
CORES=$(node -p 'require("os").availableParallelism()')
concurrent() { node bin/preview/cli.js --out "$OUT/con" --jobs "$CORES"; }
baseline() { node "$BASE_DIR/bin/preview/cli.js" --out "$OUT/base"; }

# What each series is called, and the function that runs it once.
declare -a NAMES=(); declare -A RUN=() SAMPLES=()
add() { NAMES+=("$1"); RUN["$1"]=$2; SAMPLES["$1"]=""; }
add "floor: node, @pulumi/aws, one mocked resource" floor
add "sequential: --jobs 1, every stack in one thread" sequential
add "  the same without the bundle's code cache (PREVIEW_CODE_CACHE=0)" uncached
add "concurrent: --jobs $CORES, a worker thread per core" concurrent
if [[ -n "$BASE_DIR" ]]; then add "baseline: ${BASELINE} ($(git rev-parse --short "$commit")), its make preview" baseline; fi

load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"; }
echo "offline preview benchmark: $(nproc) cores, node $(node --version), ${RUNS} runs each, alternated$([[ "${DROP_CACHES:-0}" == 1 ]] && echo ', file cache dropped before each run')"
echo "  before: $(uptime)"
for ((i = 0; i < RUNS; i++)); do
    for name in "${NAMES[@]}"; do SAMPLES["$name"]+="$(millis "${RUN[$name]}") "; done
done
echo "  after:  $(uptime)"

# "min / median / max" in seconds, and the median and min alone in ms for the ratios.
stats() { printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END { printf "%d %d %.2f / %.2f / %.2f s", v[int((NR + 1) / 2)], v[1], v[1] / 1000, v[int((NR + 1) / 2)] / 1000, v[NR] / 1000 }'; }
read -r floor_median floor_min _ <<<"$(stats "${SAMPLES[${NAMES[0]}]}")"
printf '  %-66s %-26s %s\n' "" "min / median / max" "median, min against the floor's"
for name in "${NAMES[@]}"; do
    read -r median min text <<<"$(stats "${SAMPLES[$name]}")"
    ratio=$(awk -v m="$median" -v n="$min" -v fm="$floor_median" -v fn="$floor_min" 'BEGIN { printf "%.2f x, %.2f x", m / fm, n / fn }')
    printf '  %-66s %-26s %s\n' "$name" "$text" "$ratio"
done

echo "  where the time goes, one run each with --timings ($(load)):"
for jobs in 1 "$CORES"; do
    echo "    --jobs $jobs:"
    node bin/preview/cli.js --out "$OUT/t" --jobs "$jobs" --timings 2>&1 >/dev/null | sed -n '/^  totals by kind/,$p' | sed 's/^/    /'
done

if [[ "${COMPARE:-1}" == 1 ]]; then
    one() { read -r _ _ text <<<"$(stats "$(millis "$@")")"; echo "${text%% / *} s"; }
    printf '  %-66s %s\n' "for comparison (1 run): packs started as the CLI does (gRPC)" "$(one node bin/preview/cli.js --out "$OUT/g" --policy-transport grpc)"
    printf '  %-66s %s\n' "for comparison (1 run): the TypeScript run by tsx" "$(TSX_DISABLE_CACHE=1 one node_modules/.bin/tsx preview/cli.ts --out "$OUT/x")"
fi
echo "  (wall-clock; the target is the preview within 2 times the floor)"
