// The embedded registry in a thread of its own (run without --endpoint): it answers on its own event
// loop, so serving does not compete with generating, signing and judging. Options cross the thread
// boundary as data: a mutant travels by id.
import { parentPort, workerData } from 'node:worker_threads';
import { mutant, mutantOptions } from './mutants.ts';
import { startRegistry, type RegistryOptions } from './server.ts';

export interface RegistryThreadInput {
  mutant?: string;
  options: Omit<RegistryOptions, 'hooks' | 'quirks' | 'now' | 'onAuthorize' | 'onRequest'>;
}

const d = workerData as RegistryThreadInput;
const m = d.mutant !== undefined ? mutant(d.mutant) : undefined;
const registry = await startRegistry({ ...d.options, ...mutantOptions(m) });
parentPort!.on('message', (msg) => {
  if (msg !== 'close') return;
  void registry.close().then(() => parentPort!.postMessage({ closed: true }));
});
parentPort!.postMessage({ endpoint: registry.endpoint });
