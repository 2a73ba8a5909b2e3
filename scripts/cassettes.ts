// Regenerates the committed cassettes in contracts/cassettes/ (deterministic: fixed request ids, no dates).
import { writeFileSync } from 'node:fs';
import { cassetteText } from '../src/sdk/cassette.ts';
import { recordDocumented, recordExample, variants } from '../src/sdk/scenarios.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const dir = new URL('../contracts/cassettes/', import.meta.url);
for (const c of [await recordDocumented(), await recordExample(), variants()]) {
  writeFileSync(new URL(`${c.name}.cassette.json`, dir), cassetteText(c));
  console.log(`contracts/cassettes/${c.name}.cassette.json: ${c.interactions.length} interactions`);
}
