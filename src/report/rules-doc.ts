// The rule documentation, generated from the catalogue so it cannot drift.
import { catalogue } from '../judge/catalogue.ts';
import { operationSpec, referenceFingerprintSpec, ruleCatalogueSpec } from '../spec/index.ts';

export function rulesMarkdown(): string {
  const families = ruleCatalogueSpec().families;
  const sources = { ...operationSpec().sources, ...referenceFingerprintSpec().sources };
  const lines = [
    '# Rules',
    '',
    'Generated from `spec/rules.json` by `npm run rules:doc` (or `ecr-conformance rules`); do not edit by hand.',
    'A broken rule is FAIL, except fingerprint points, where the documentation is silent: those are DIVERGENT.',
    '',
  ];
  for (const [family, about] of Object.entries(families)) {
    lines.push(`## ${family}`, '', about.charAt(0).toUpperCase() + about.slice(1) + '.', '', '| id | broken → | evidence | source | statement |', '|---|---|---|---|---|');
    for (const r of catalogue().filter((e) => e.family === family)) {
      lines.push(`| \`${r.id}\` | ${r.breaks} | ${r.evidence} | ${r.source} | ${r.statement.replace(/\|/g, '\\|')} |`);
    }
    lines.push('');
  }
  lines.push('## Sources', '', ...Object.entries(sources).map(([k, v]) => `- **${k}**: ${v}`), '');
  return lines.join('\n');
}
