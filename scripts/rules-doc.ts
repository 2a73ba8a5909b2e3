// Regenerates docs/rules.md from the rule catalogue.
import { writeFileSync } from 'node:fs';
import { rulesMarkdown } from '../src/report/rules-doc.ts';

writeFileSync(new URL('../docs/rules.md', import.meta.url), rulesMarkdown());
