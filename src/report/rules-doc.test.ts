import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../judge/catalogue.ts';
import { rulesMarkdown } from './rules-doc.ts';

describe('docs/rules.md', () => {
  it('is generated from the catalogue and up to date (npm run rules:doc)', () => {
    expect(readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8')).toBe(rulesMarkdown());
  });
  it('lists every rule', () => {
    const doc = rulesMarkdown();
    for (const e of catalogue()) expect(doc).toContain(`\`${e.id}\``);
  });
});
