// Deterministic numbers from the run's seed: case seeds, the layer pool, repository-name nonces.
import { createHash } from 'node:crypto';

/** A 31-bit seed for one case, from the run seed, the property and the case index. */
export function caseSeed(runSeed: number, property: string, index: number): number {
  const h = createHash('sha256').update(`${runSeed}/${property}/${index}`).digest();
  return h.readUInt32BE(0) & 0x7fffffff;
}

/** The seed of soak round `round` (the first round uses the run's own seed). */
export function soakSeed(runSeed: number, round: number): number {
  return caseSeed(runSeed, 'soak-round', round);
}

/** Deterministic bytes for layer `index` of the pool: sizes from 1 to 4096. */
export function poolLayer(runSeed: number, index: number): Buffer {
  const head = createHash('sha256').update(`pool/${runSeed}/${index}`).digest();
  const size = 1 + (head.readUInt16BE(0) % 4096);
  const out = Buffer.alloc(size);
  let block = head;
  for (let i = 0; i < size; i += 32) {
    block = createHash('sha256').update(block).digest();
    block.copy(out, i, 0, Math.min(32, size - i));
  }
  return out;
}

export function nonce(runSeed: number, random: boolean): string {
  const base = createHash('sha256').update(`nonce/${runSeed}/${random ? Math.random() : ''}`).digest('hex');
  return base.slice(0, 8);
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
