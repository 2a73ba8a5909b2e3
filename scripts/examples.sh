#!/usr/bin/env bash
# Regenerates the sample reports in reports/examples/: the embedded reference registry, and a
# deliberately broken mutant of it. Same seeds every time, so only times and versions change.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf reports/examples
node bin/ecr-conformance.js run --seed 2026 --report-dir reports/examples/reference >/dev/null
node bin/ecr-conformance.js run --seed 2026 --mutant lowercase-echo --report-dir reports/examples/mutant-lowercase-echo >/dev/null || test $? -eq 1
echo "reports/examples/{reference,mutant-lowercase-echo} regenerated"
node bin/ecr-conformance.js sdk-matrix --versions 3.600.0,3.1169.0 --report-dir reports/examples/sdk-matrix --format json,md,html >/dev/null
echo "reports/examples/sdk-matrix/ regenerated"
