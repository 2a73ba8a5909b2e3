// Cassettes: recorded exchanges of BatchCheckLayerAvailability, exact bytes, secrets removed, so that
// any SDK version can be fed the same answers without a network. Format version 1:
//
//   { cassetteVersion: 1, name, description, source: { kind, target?, recordedWith? },
//     interactions: [ { id, title, origin, input?, request: { headers, body }, response: { status, headers, body } } ] }
//
// `input` is what an application passes to BatchCheckLayerAvailabilityCommand (absent when the
// request is one no SDK can express, such as a mistyped member); `origin` says where the answer
// came from: recorded (from a target) or variant (hand-made: legal answers clients must survive).
import { z } from 'zod';
import { readUserFile, UsageError } from '../errors.ts';

export const CASSETTE_VERSION = 1;

const wire = z.object({ headers: z.record(z.string(), z.string()), body: z.string() });
const interaction = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string(),
  origin: z.enum(['recorded', 'variant']),
  input: z.object({ repositoryName: z.string(), layerDigests: z.array(z.string()), registryId: z.string().optional() }).optional(),
  request: wire,
  response: wire.extend({ status: z.number().int() }),
});
const cassette = z.object({
  cassetteVersion: z.literal(CASSETTE_VERSION),
  name: z.string(),
  description: z.string(),
  source: z.object({
    kind: z.enum(['embedded', 'endpoint', 'aws', 'hand-made', 'example']), target: z.string().optional(), recordedWith: z.string().optional(),
    /** For `compare --recording`: the run's seed and run id, to set another target up the same way. */
    seed: z.number().int().optional(), runId: z.string().regex(/^[0-9a-f]{8}$/).optional(), accountIdsMasked: z.boolean().optional(),
  }),
  interactions: z.array(interaction),
});
export type Cassette = z.infer<typeof cassette>;
export type CassetteInteraction = z.infer<typeof interaction>;

export function parseCassette(text: string, where: string): Cassette {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError(`${where} is not JSON`, 'BAD_CASSETTE');
  }
  const r = cassette.safeParse(doc);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new UsageError(`${where} is not a version-${CASSETTE_VERSION} cassette: ${i.path.join('.')}: ${i.message}`, 'BAD_CASSETTE');
  }
  const ids = r.data.interactions.map((x) => x.id);
  const dup = ids.find((x, n) => ids.indexOf(x) !== n);
  if (dup) throw new UsageError(`${where}: interaction id ${dup} appears twice`, 'BAD_CASSETTE');
  return r.data;
}

export function loadCassette(file: string): Cassette {
  return parseCassette(readUserFile(file, 'BAD_CASSETTE'), file);
}

export const cassetteText = (c: Cassette) => `${JSON.stringify(c, null, 2)}\n`;
