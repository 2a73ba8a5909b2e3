#!/usr/bin/env bash
# The package as a user gets it: npm pack, install the tarball into a fresh project outside the
# repository, and there run every command and import the API from plain JavaScript and from
# type-checked TypeScript. Also checks the package's shape with publint and arethetypeswrong.
# Dependencies come from npm's cache when it holds them (npm ci filled it); nothing else is fetched.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export PACT_DO_NOT_TRACK=true AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true ECR_CONFORMANCE_PROGRESS=off
work=$(mktemp -d /tmp/ecr-conformance-package-XXXXXX)
trap 'rm -rf "$work"' EXIT
step() { printf '\n== %s\n' "$*"; }

step "npm pack (builds dist/)"
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
tar -tzf "$work/$tarball" | sed 's|^package/||' > "$work/files.txt"
for need in dist/cli.js dist/index.js dist/index.d.ts bin/ecr-conformance.js spec/rules.json contracts/pact/ecr-conformance-client-ecr-api.json contracts/cassettes/documented.cassette.json action.yml action/run.mjs docs/rules.md; do
  grep -qx "$need" "$work/files.txt" || { echo "the package lacks $need"; exit 1; }
done
if grep -q '^src/' "$work/files.txt"; then echo "the package ships src/: it must run the compiled files"; exit 1; fi

step "publint and arethetypeswrong"
npx --no-install publint --strict
npx --no-install attw "$work/$tarball" --profile esm-only

step "install the tarball into a fresh project"
mkdir "$work/user" && cd "$work/user"
npm init -y >/dev/null
npm pkg set type=module
install() {
  npm install --no-audit --no-fund "$@" "$work/$tarball" "typescript@$(node -p "require('$repo/node_modules/typescript/package.json').version")" "@types/node@$(node -p "require('$repo/node_modules/@types/node/package.json').version")" >/dev/null
}
# A user's install resolves the package's ranges afresh. npm's cache may hold a dependency's metadata
# from before a release that a newer dependent already needs (ETARGET): then ask the registry.
install --prefer-offline 2>/dev/null || install --prefer-online
[ ! -d node_modules/tsx ] || { echo "tsx was installed: it must be a development dependency only"; exit 1; }
bin=./node_modules/.bin/ecr-conformance

step "--version"
test "$($bin --version)" = "$(node -p "require('$repo/package.json').version")"

step "run (the embedded registry), check, record, sdk-matrix"
$bin run --runs 1 --seed 7 --report-dir run >/dev/null
node -e "const r=require('./run/conformance.json'); if (r.summary.verdict!=='CONFORMANT') { console.error(r.summary); process.exit(1) }"
$bin check --repository-name cluster-autoscaler --layer-digests sha256:6171c7451a50945f8ddd72f7732cc04d7a0d1f48138a426b2e64387fdeb834ed | grep -q '"layerAvailability": "AVAILABLE"'
$bin record --runs 1 --seed 7 --out cassettes >/dev/null
sdk=$(node -p "require('./node_modules/@aws-sdk/client-ecr/package.json').version")
$bin sdk-matrix --versions "$sdk" --cassettes cassettes --report-dir matrix 2> matrix.log >/dev/null
$bin sdk-matrix --versions "$sdk" --report-dir matrix-committed 2>> matrix.log >/dev/null
if grep -q installing matrix.log; then echo "sdk-matrix installed the SDK the package already has"; exit 1; fi

step "serve, then run and verify against it"
$bin serve --port 0 > serve.log &
serve=$!
for _ in $(seq 1 100); do grep -q 'listening on' serve.log && break; sleep 0.1; done
endpoint=$(grep -o 'http://[0-9.:]*' serve.log | head -n 1)
$bin run --endpoint "$endpoint" --runs 1 --seed 7 --report-dir run-endpoint >/dev/null
$bin verify --endpoint "$endpoint" --report-dir verify >/dev/null
kill "$serve"

step "the library from plain JavaScript"
cat > use.mjs <<'JS'
import fc from 'fast-check';
import { startRegistry, run, validDigest, catalogue, renderMarkdown } from 'ecr-conformance';
const registry = await startRegistry();
const result = await run({ kind: 'endpoint', seed: 1, runs: 1, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'sdk' } });
await registry.close();
if (result.summary.verdict !== 'CONFORMANT') throw new Error(result.summary.verdict);
const [sample] = fc.sample(validDigest({ present: [], maxLength: 1000 }), 1);
if (typeof sample.value !== 'string' || !sample.cls.startsWith('digest.')) throw new Error('generator');
if (catalogue().length < 40 || !renderMarkdown(result).includes('CONFORMANT')) throw new Error('catalogue or renderer');
console.log('javascript: ok');
JS
npm install --no-audit --no-fund --prefer-offline "fast-check@$(node -p "require('$repo/node_modules/fast-check/package.json').version")" >/dev/null
node use.mjs

step "the library from TypeScript, type-checked"
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true, "noEmit": true, "skipLibCheck": false, "types": ["node"] }, "include": ["use.ts"] }
JSON
cat > use.ts <<'TS'
import fc from 'fast-check';
import { startRegistry, run, validDigest, MUTANTS, type RunResult, type Labeled, type RegistryOptions } from 'ecr-conformance';
const options: RegistryOptions = { preloadExample: true };
const registry = await startRegistry(options);
const result: RunResult = await run({ kind: 'endpoint', seed: 1, runs: 1, target: { endpoint: registry.endpoint, region: 'us-east-1', timeoutMs: 5000, rps: 0, maxRequests: 0, concurrency: 4, transport: 'raw' } });
const digest: fc.Arbitrary<Labeled<string>> = validDigest({ present: [], maxLength: 1000 });
const verdict: 'CONFORMANT' | 'INCOMPLETE' | 'NOT_CONFORMANT' | 'NOT_IMPLEMENTED' | 'UNTESTABLE' = result.summary.verdict;
console.log(verdict, MUTANTS.length, digest !== undefined);
await registry.close();
TS
npx --no-install tsc -p .

step "the package works"
