// Starts the embedded registry in its own worker thread; see registry-worker.ts.
import { sibling, spawnWorker, THREAD_LIMITS } from '../threads.ts';
import type { RegistryThreadInput } from './registry-worker.ts';

export interface RegistryThread {
  endpoint: string;
  close: () => Promise<void>;
}

export async function startRegistryThread(input: RegistryThreadInput): Promise<RegistryThread> {
  const worker = spawnWorker(sibling(import.meta.url, 'registry-worker'), input, THREAD_LIMITS.registry);
  const endpoint = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { endpoint?: string }) => (m.endpoint ? resolve(m.endpoint) : reject(new Error('the registry thread did not start'))));
    worker.once('error', reject);
  });
  return {
    endpoint,
    close: async () => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        worker.once('message', () => { clearTimeout(timer); resolve(); });
        worker.postMessage('close');
      });
      await worker.terminate();
    },
  };
}
