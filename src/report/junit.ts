// JUnit XML: one test case per rule, grouped in one suite per family. Loads in Jenkins, GitLab,
// GitHub test reporters and Azure DevOps, which read the Ant/Surefire layout.
import type { RunResult } from '../run/result.ts';
import { exchangeText, xml } from './text.ts';

export function renderJunit(r: RunResult): string {
  const p = r.provenance;
  const properties = [
    ['suite', `${p.suite.name} ${p.suite.version}`], ['sdk', `${p.sdk.package} ${p.sdk.version}`], ['node', p.node], ['spec.checksum', p.spec.checksum],
    ['target', p.target.description], ['target.kind', p.target.kind], ['region', p.target.region], ['transport', p.target.transport],
    ['seed', String(p.seed)], ['runs', String(p.runs)], ['rules', p.rules], ['requests', String(p.requests.used)], ['verdict', r.summary.verdict],
    ...(r.summary.causes ?? []).map((c, i) => [`incomplete.cause.${i + 1}`, c]),
    ...r.leftovers.map((l, i) => [`leftover.${i + 1}`, `left on the target: ${l}`]),
    ...(p.shard ? [['shard', JSON.stringify(p.shard)]] : []),
  ].map(([k, v]) => `      <property name="${xml(k!)}" value="${xml(v!)}"/>`).join('\n');
  const families = [...new Set(r.rules.map((x) => x.family))];
  const seconds = (p.durationMs / 1000).toFixed(3);
  const suites = families.map((family) => {
    const rules = r.rules.filter((x) => x.family === family);
    const n = (pred: (v: string) => boolean) => rules.filter((x) => pred(x.verdict)).length;
    const cases = rules.map((x) => {
      const open = `    <testcase classname="ecr-conformance.${xml(family)}" name="${xml(x.id)}" time="${((x.ms ?? 0) / 1000).toFixed(3)}">`;
      const cx = x.counterexample;
      const detail = cx ? `${x.message}\n\nreplay: ${cx.replay}\ncase: ${cx.caseId} (${cx.inputClasses.join(', ')})\n\n${cx.exchanges.map(exchangeText).join('\n\n')}`
        : x.examples?.length ? `${x.message}\n\ncases: ${x.examples.join(', ')}` : x.message;
      switch (x.verdict) {
        case 'FAIL':
        case 'NOT_IMPLEMENTED':
          return `${open}\n      <failure type="${x.verdict}" message="${xml(x.message)}">${xml(detail)}</failure>\n    </testcase>`;
        case 'ERROR':
          return `${open}\n      <error type="ERROR" message="${xml(x.message)}">${xml(detail)}</error>\n    </testcase>`;
        case 'SKIPPED':
          return `${open}\n      <skipped message="${xml(`no verdict without evidence: ${x.message}`)}"/>\n    </testcase>`;
        case 'DIVERGENT':
          return `${open}\n      <system-out>${xml(`DIVERGENT from the AWS reference (not a failure): ${detail}`)}</system-out>\n    </testcase>`;
        default:
          return `${open}</testcase>`;
      }
    }).join('\n');
    return `  <testsuite name="ecr-conformance.${xml(family)}" tests="${rules.length}" failures="${n((v) => v === 'FAIL' || v === 'NOT_IMPLEMENTED')}" errors="${n((v) => v === 'ERROR')}" skipped="${n((v) => v === 'SKIPPED')}" time="${seconds}" timestamp="${p.startedAt.replace(/\.\d+Z$/, '')}" hostname="localhost">\n    <properties>\n${properties.replace(/^ {6}/gm, '      ')}\n    </properties>\n${cases}\n  </testsuite>`;
  }).join('\n');
  const failures = r.rules.filter((x) => x.verdict === 'FAIL' || x.verdict === 'NOT_IMPLEMENTED').length;
  const errors = r.rules.filter((x) => x.verdict === 'ERROR').length;
  const skipped = r.rules.filter((x) => x.verdict === 'SKIPPED').length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ecr-conformance" tests="${r.rules.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds}">\n${suites}\n</testsuites>\n`;
}
