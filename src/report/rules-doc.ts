// The rule documentation, generated from the catalogue so it cannot drift.
import { catalogue } from '../judge/catalogue.ts';
import { dimensions } from '../judge/coverage.ts';
import { allSources, ruleCatalogueSpec } from '../spec/index.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function rulesMarkdown(): string {
  const families = ruleCatalogueSpec().families;
  const lines = [
    '# Rules',
    '',
    'Generated from `spec/rules.json` by `npm run rules:doc` (or `ecr-conformance rules`); do not edit by hand.',
    'A broken rule is FAIL, except fingerprint points, where the documentation is silent: those are DIVERGENT.',
    '',
    'A rule PASSes only on evidence: at least the number of checks in the **evidence** column (what counts as one',
    'check is said there), every target capability it **needs**, a check in every coverage **bucket** it names, and,',
    'for a rule whose statement has several parts, a check that held over each of its **facets**.',
    'Short of any of these it is SKIPPED with the exact reason, and the run is INCOMPLETE.',
    '',
  ];
  for (const [family, about] of Object.entries(families)) {
    lines.push(`## ${family}`, '', about.charAt(0).toUpperCase() + about.slice(1) + '.', '', '| id | broken → | evidence level | source | statement | evidence needed |', '|---|---|---|---|---|---|');
    for (const r of catalogue().filter((e) => e.family === family)) {
      const needs = [
        `${r.checks.minimum} × ${r.checks.what}`,
        ...(r.needs?.length ? [`needs ${r.needs.join(', ')}`] : []),
        ...(r.buckets?.length ? [`buckets ${r.buckets.map((b) => `\`${b}\``).join(', ')}`] : []),
        ...(r.facets?.length ? [`facets: ${r.facets.map((f) => `\`${f.id}\` (${f.what}${f.needs ? `; needs ${f.needs}` : ''})`).join(', ')}`] : []),
      ].join('; ');
      lines.push(`| \`${r.id}\` | ${r.breaks} | ${r.evidence} | ${r.source} | ${cell(r.statement)} | ${cell(needs)} |`);
    }
    lines.push('');
  }
  lines.push('## Coverage buckets', '', 'Read by the judge from the request bytes actually sent (`src/judge/coverage.ts`).', '');
  for (const d of dimensions()) lines.push(`- **${d.name}** (${d.about}): ${d.buckets.map((b) => `\`${b}\``).join(', ')}`);
  lines.push('', '## Sources', '', ...Object.entries(allSources()).map(([k, v]) => `- **${k}**: ${v}`), '');
  return lines.join('\n');
}
