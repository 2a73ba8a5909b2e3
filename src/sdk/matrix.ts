// The compatibility matrix: what each SDK version made of each cassette interaction, whether it kept
// the documented expectations, and where versions differ.
import { isDeepStrictEqual } from 'node:util';
import type { Verdict } from '../model.ts';
import type { RuleResult, RunResult } from '../run/result.ts';
import { standaloneResult } from '../run/standalone.ts';
import { amzTarget, canonicalJson, operationSpec } from '../spec/index.ts';
import { sanitizeErrorType } from '../judge/view.ts';
import type { Cassette, CassetteInteraction } from './cassette.ts';
import type { ReplayResult } from './replay.ts';

export interface VersionRun {
  label: string;
  version: string;
  enumValues: string[];
  results: ReplayResult[];
}

export interface MatrixRow {
  id: string;
  cassette: string;
  title: string;
  results: Record<string, ReplayResult | undefined>;
  violations: Record<string, string[]>;
  differences: string[];
}

export interface Matrix {
  versions: { label: string; version: string }[];
  rows: MatrixRow[];
  enumValues: Record<string, string[]>;
}

const parse = (s: string): unknown => { try { return JSON.parse(s); } catch { return undefined; } };
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The documented expectations an SDK must keep for one interaction; each broken one is a line. */
export function violations(i: CassetteInteraction, r: ReplayResult | undefined): string[] {
  if (!r) return ['no result (the SDK was not called)'];
  const out: string[] = [];
  const spec = operationSpec();
  if (r.request.target !== amzTarget('BatchCheckLayerAvailability')) out.push(`sent X-Amz-Target '${r.request.target}'`);
  if (!r.request.contentType.startsWith(spec.framing.contentType.value)) out.push(`sent Content-Type '${r.request.contentType}'`);
  if (!isDeepStrictEqual(parse(r.request.body), i.input)) out.push(`serialized ${r.request.body.slice(0, 120)} for input ${JSON.stringify(i.input).slice(0, 120)}`);
  const res = i.response;
  if (r.status !== res.status) out.push(`status ${String(r.status)}, the answer was ${res.status}`);
  const rid = res.headers['x-amzn-requestid'];
  if (rid && r.requestId !== rid) out.push(`request id ${String(r.requestId)}, the answer carried ${rid}`);
  const body = res.body.trim() === '' ? {} : parse(res.body);
  if (res.status >= 200 && res.status < 300) {
    if (r.outcome !== 'output') return [...out, `threw ${r.errorName} on a success: ${r.message ?? ''}`];
    for (const list of ['layers', 'failures'] as const) {
      const sent = isObject(body) ? body[list] : undefined;
      if (!Array.isArray(sent)) continue;
      const got = r.output?.[list];
      if (!Array.isArray(got)) { out.push(`lost ${list}`); continue; }
      const members = spec.output[list === 'layers' ? 'layer' : 'failure'].members.value;
      sent.forEach((item, n) => {
        for (const m of members) {
          const want = (item as Record<string, unknown>)[m];
          if (want !== undefined && !isDeepStrictEqual((got[n] as Record<string, unknown> | undefined)?.[m], want)) out.push(`lost ${list}[${n}].${m} (${JSON.stringify(want)})`);
        }
      });
    }
    return out;
  }
  if (r.outcome !== 'error') return [...out, `returned an output for HTTP ${res.status}`];
  const fromBody = isObject(body) ? (typeof body['__type'] === 'string' ? body['__type'] : typeof body['code'] === 'string' ? body['code'] : undefined) : undefined;
  const header = res.headers['x-amzn-errortype'];
  const names = new Set([fromBody, header].filter((x): x is string => x !== undefined).map(sanitizeErrorType));
  if (names.size > 0 && !names.has(r.errorName ?? '')) out.push(`error ${r.errorName}, the answer named ${[...names].join(' or ')}`);
  const modelled = spec.errors.modelled.find((e) => e.name === r.errorName);
  if (modelled && r.fault !== modelled.fault) out.push(`$fault ${String(r.fault)} for ${modelled.name}, modelled as ${modelled.fault}`);
  const message = isObject(body) ? (typeof body['message'] === 'string' ? body['message'] : typeof body['Message'] === 'string' ? body['Message'] : undefined) : undefined;
  if (message !== undefined && r.message !== message) out.push(`message ${JSON.stringify(r.message)}, the answer said ${JSON.stringify(message)}`);
  return out;
}

const FIELDS: (keyof ReplayResult)[] = ['outcome', 'output', 'errorName', 'errorClass', 'fault', 'status', 'requestId', 'message'];

/** Leaf paths of a JSON value: { a: [{ b: 1 }] } → { 'a[0].b': '1' }. */
function leaves(v: unknown, path = '', out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
  else out[path] = JSON.stringify(v);
  return out;
}

function differences(row: Record<string, ReplayResult | undefined>): string[] {
  const labels = Object.keys(row);
  const out: string[] = [];
  const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : canonicalJson(v));
  const sent = labels.map((l) => show(parse(row[l]?.request.body ?? '')));
  if (new Set(sent).size > 1) out.push(`request: ${labels.map((l, n) => `${l} ${sent[n]}`).join(' vs ')}`);
  for (const f of FIELDS) {
    if (f === 'output') {
      // Say which values some versions have and others not, rather than two long documents.
      const all = labels.map((l) => leaves(row[l]?.output ?? {}));
      const own = all.map((leaf) => Object.entries(leaf).filter(([p, v]) => !all.every((other) => other[p] === v)).map(([p, v]) => `${p}=${v}`));
      if (own.some((x) => x.length > 0)) out.push(`output: ${labels.map((l, n) => `${l} ${own[n]!.length > 0 ? `has ${own[n]!.join(', ').slice(0, 200)}` : 'has none of these'}`).join(' vs ')}`);
      continue;
    }
    const values = labels.map((l) => show(row[l]?.[f]));
    if (new Set(values).size > 1) out.push(`${f}: ${labels.map((l, n) => `${l} ${values[n]!.slice(0, 160)}`).join(' vs ')}`);
  }
  return out;
}

export function buildMatrix(cassettes: Cassette[], runs: VersionRun[]): Matrix {
  const rows: MatrixRow[] = [];
  for (const c of cassettes) {
    for (const i of c.interactions) {
      if (!i.input) continue;
      const results = Object.fromEntries(runs.map((v) => [v.label, v.results.find((r) => r.id === i.id)]));
      rows.push({
        id: i.id, cassette: c.name, title: i.title, results,
        violations: Object.fromEntries(runs.map((v) => [v.label, violations(i, results[v.label])])),
        differences: differences(results),
      });
    }
  }
  return { versions: runs.map((v) => ({ label: v.label, version: v.version })), rows, enumValues: Object.fromEntries(runs.map((v) => [v.label, v.enumValues])) };
}

export function renderMatrixMarkdown(m: Matrix): string {
  const head = `| interaction | ${m.versions.map((v) => `\`${v.label}\``).join(' | ')} | versions differ |`;
  const lines = ['# @aws-sdk/client-ecr compatibility matrix', '', '✓ kept every documented expectation · ✗ broke one · the last column says how versions differ', '', head, `|---|${m.versions.map(() => '---|').join('')}---|`];
  for (const r of m.rows) {
    const cells = m.versions.map((v) => (r.violations[v.label]!.length === 0 ? '✓' : `✗ ${r.violations[v.label]!.join('; ').replace(/\|/g, '\\|')}`));
    lines.push(`| \`${r.cassette}/${r.id}\` ${r.title} | ${cells.join(' | ')} | ${r.differences.join('<br>').replace(/\|/g, '\\|')} |`);
  }
  lines.push('', `| exported LayerAvailability | ${m.versions.map((v) => m.enumValues[v.label]!.join(', ')).join(' | ')} | |`, '');
  return lines.join('\n');
}

/** The matrix as a conformance result, so the JSON, Markdown and HTML renderers show it. */
export function matrixResult(m: Matrix, startedAt: number, durationMs: number): RunResult {
  const rules: RuleResult[] = m.rows.map((r) => {
    const broken = Object.entries(r.violations).filter(([, v]) => v.length > 0);
    const verdict: Verdict = broken.length > 0 ? 'FAIL' : r.differences.length > 0 ? 'DIVERGENT' : 'PASS';
    const message = broken.length > 0
      ? broken.map(([label, v]) => `${label}: ${v.join('; ')}`).join(' · ')
      : r.differences.length > 0 ? `versions differ (no documented expectation broken): ${r.differences.join(' · ')}` : 'every version gives the same, documented answer';
    return { id: `sdk.${r.cassette}.${r.id}`, family: 'sdk-matrix', statement: r.title, evidence: 'documented', source: `contracts/cassettes/${r.cassette}`, verdict, passed: Object.keys(r.violations).length - broken.length, broken: broken.length, message, checks: { had: Object.keys(r.violations).length, needs: 1 } };
  });
  const enumSets = Object.values(m.enumValues).map((v) => v.join(','));
  rules.push({
    id: 'sdk.exported-enums', family: 'sdk-matrix', statement: 'the LayerAvailability values each version exports', evidence: 'documented', source: 'BC-head',
    verdict: new Set(enumSets).size > 1 ? 'DIVERGENT' : 'PASS', passed: enumSets.length, broken: 0, checks: { had: enumSets.length, needs: 1 },
    message: Object.entries(m.enumValues).map(([l, v]) => `${l}: ${v.join(', ') || '(none)'}`).join(' · '),
  });
  return standaloneResult({
    target: { kind: 'embedded', description: `@aws-sdk/client-ecr ${m.versions.map((x) => x.label).join(' × ')} (cassette replay)`, region: 'us-east-1', transport: 'sdk' },
    checks: 'sdk-matrix', startedAt: new Date(startedAt).toISOString(), durationMs,
    requests: { used: m.rows.length * m.versions.length, budget: 0, throttled: 0, rps: 0 },
    rules, cases: m.rows.length, exchanges: m.rows.length * m.versions.length, notes: [], sdkVersion: m.versions.map((x) => x.version).join(', '),
  });
}
