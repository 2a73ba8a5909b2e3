#!/usr/bin/env bash
# Regenerates reports/ecosystem/: run and verify against real ECR emulators, side by side with the
# embedded reference registry, and the matrix of them all. Not part of `npm test`: it needs the
# emulators' sources and Debian's Python packages.
#
#   MOTO_MIRROR=/path/to/moto.git MS_MIRROR=/path/to/ministack.git bash scripts/ecosystem.sh
#
# MOTO_MIRROR and MS_MIRROR are bare git copies of github.com/getmoto/moto and
# github.com/ministackorg/ministack; PEERS (default ../shared/peers) holds the start and stop
# scripts. The same seed every time, so only times and versions change between regenerations.
# Every FAIL and DIVERGENT needs a line in reports/ecosystem/notes.json: the matrix is built with
# --strict, and this script fails on a finding nobody has explained.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MOTO_MIRROR:?set MOTO_MIRROR to a bare git copy of github.com/getmoto/moto}"
: "${MS_MIRROR:?set MS_MIRROR to a bare git copy of github.com/ministackorg/ministack}"
PEERS="${PEERS:-$(cd ../shared/peers && pwd)}"
export PEERS_HOME="${PEERS_HOME:-/tmp/peers}"
SEED="${SEED:-20261127}"
RUNS="${RUNS:-150}"
OUT=reports/ecosystem
MOTO_MAIN=0af643a5dbfc98797f08ee64f5be3ef8002d56ff
MOTO_PR=79de474f3bbe346bf111e0c392736db017023f2c
MINISTACK=f1bdbd8c2c3b9f10a45adf239a4c85d980fac085
BIN=(node bin/ecr-conformance.js)
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true PACT_DO_NOT_TRACK=true ECR_CONFORMANCE_PROGRESS=off

# Exit 1 (not conformant, not implemented) and 4 (incomplete) are findings, not failures of the script.
finding() { "$@" >/dev/null || { rc=$?; [[ $rc == 1 || $rc == 4 ]] || { echo "failed ($rc): $*" >&2; exit "$rc"; }; }; }

# One target: run and verify with the same name; $1 directory, $2 name, $3 endpoint (none: embedded).
check() {
  local dir=$1 name=$2 endpoint=${3:-}
  local target=(); [[ -n $endpoint ]] && target=(--endpoint "$endpoint")
  finding "${BIN[@]}" run "${target[@]}" --seed "$SEED" --runs "$RUNS" --name "$name" --report-dir "$OUT/$dir/run"
  finding "${BIN[@]}" verify "${target[@]}" --name "$name" --report-dir "$OUT/$dir/verify"
  if [[ -n $endpoint ]]; then
    # The same cases, answer for answer, against the reference: every way the emulator differs.
    finding "${BIN[@]}" compare --name 'embedded reference registry' --against "$endpoint" --against-name "$name" --seed "$SEED" --runs 50 --report-dir "$OUT/$dir/compare"
  fi
  echo "$name: $(node -e "const r=require('./$OUT/$dir/run/conformance.json');console.log(r.summary.verdict)") (run), $(node -e "const r=require('./$OUT/$dir/verify/conformance.json');console.log(r.summary.verdict)") (verify)"
}

rm -rf "$OUT/reference" "$OUT/moto-main" "$OUT/moto-pr10195" "$OUT/ministack"
mkdir -p "$OUT"
check reference 'embedded reference registry'

bash "$PEERS/stop-moto.sh" >/dev/null 2>&1 || true
MOTO_COMMIT=$MOTO_MAIN MOTO_DIR="$PEERS_HOME/moto-head" bash "$PEERS/start-moto.sh"
check moto-main 'moto main (0af643a)' http://127.0.0.1:5055
bash "$PEERS/stop-moto.sh"

MOTO_COMMIT=$MOTO_PR MOTO_DIR="$PEERS_HOME/moto-pr10195" bash "$PEERS/start-moto.sh"
check moto-pr10195 'moto PR #10195 (79de474)' http://127.0.0.1:5055
bash "$PEERS/stop-moto.sh"

bash "$PEERS/stop-ministack.sh" >/dev/null 2>&1 || true
bash "$PEERS/start-ministack.sh"
check ministack 'MiniStack 1.4.21 (f1bdbd8)' http://127.0.0.1:4566
bash "$PEERS/stop-ministack.sh"

"${BIN[@]}" matrix "$OUT"/{reference,moto-main,moto-pr10195,ministack}/{run,verify}/conformance.json \
  "$OUT"/{moto-main,moto-pr10195,ministack}/compare/compare.json \
  --notes "$OUT/notes.json" --report-dir "$OUT" --strict

cat > "$OUT/SOURCES.md" <<EOF
# Where these reports come from

Regenerated with \`MOTO_MIRROR=… MS_MIRROR=… bash scripts/ecosystem.sh\` on $(date -u +%Y-%m-%d), ecr-conformance
$(node -p "require('./package.json').version"), Node $(node --version), seed $SEED, $RUNS cases per property.

| column | source | commit | started with |
|---|---|---|---|
| embedded reference registry | this repository | $(git rev-parse --short HEAD) | (none: \`run\` and \`verify\` without \`--endpoint\`) |
| moto main (0af643a) | github.com/getmoto/moto | \`$MOTO_MAIN\` | \`MOTO_COMMIT=$MOTO_MAIN start-moto.sh\` (http://127.0.0.1:5055) |
| moto PR #10195 (79de474) | github.com/getmoto/moto, \`refs/pull/10195/head\` | \`$MOTO_PR\` | \`MOTO_COMMIT=$MOTO_PR MOTO_DIR=…/moto-pr10195 start-moto.sh\` |
| MiniStack 1.4.21 (f1bdbd8) | github.com/ministackorg/ministack | \`$MINISTACK\` | \`start-ministack.sh\` (http://127.0.0.1:4566, ECR only) |

Each target: \`ecr-conformance run --endpoint URL --seed $SEED --runs $RUNS --name NAME\`,
\`ecr-conformance verify --endpoint URL --name NAME\` and \`ecr-conformance compare --against URL --seed $SEED --runs 50\`
(the embedded registry against the emulator, case for case); then
\`ecr-conformance matrix … --notes notes.json --strict\` over the run, verify and compare reports.
The start and stop scripts are those of the project's peers folder (Debian's Python packages; moto's
snapshot lacks the blob of \`moto/iam/aws_managed_policies.py\`, an IAM data file unrelated to ECR, which
the script takes from an older commit).
EOF
echo "$OUT regenerated: matrix.html, matrix.md, matrix.json, SOURCES.md"
