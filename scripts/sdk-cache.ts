// Installs the SDK versions the tests compare into .cache/sdk-matrix, so that the tests themselves
// need no network. .ci/run calls it after npm ci; without it the sdk-matrix test installs them itself.
import { ensureSdk } from '../src/sdk/install.ts';

const VERSIONS = ['3.600.0'];
for (const v of VERSIONS) await ensureSdk(v, new URL('../.cache/sdk-matrix', import.meta.url).pathname, (line) => console.log(line));
