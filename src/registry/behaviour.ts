// The choices a registry makes where the documentation is silent. The embedded reference registry
// follows the AWS reference fingerprint in spec/ unless told otherwise, so it can also emulate
// other registries (moto answers absent digests with MissingLayerDigest, for example).
import { referenceFingerprintSpec } from '../spec/index.ts';

export interface RegistryBehaviour {
  /** A well-formed digest that was never uploaded. */
  absent: 'unavailable-layer' | 'missing-failure';
  /** A digest requested more than once. */
  duplicates: 'echo-each' | 'collapse';
  /** A digest matching the lenient LayerDigest pattern but not canonical sha256. */
  grey: 'absent' | 'invalid-failure';
  /** Empty layers/failures lists. */
  emptyLists: 'present' | 'omitted';
  /** Overrides emptyLists for the layers list alone. */
  emptyLayers?: 'present' | 'omitted';
  /** Overrides emptyLists for the failures list alone (a Go server with omitempty on one field). */
  emptyFailures?: 'present' | 'omitted';
  /** The empty string as a digest. */
  emptyDigest: 'missing-failure' | 'invalid-failure';
  /** Which model's repositoryName pattern is enforced. */
  repositoryNameModel: string;
}

/** The options that are fingerprint points, each with its point in spec/reference-fingerprint.json. */
export type PointOption = 'absent' | 'duplicates' | 'grey' | 'emptyLists' | 'emptyDigest' | 'repositoryNameModel';

const KEYS: Record<PointOption, string> = {
  absent: 'absent',
  duplicates: 'duplicates',
  grey: 'grey',
  emptyLists: 'empty-lists',
  emptyDigest: 'empty-digest',
  repositoryNameModel: 'repository-name-model',
};

/** The AWS reference choices, read from spec/reference-fingerprint.json. */
export function referenceBehaviour(): RegistryBehaviour {
  const points = referenceFingerprintSpec().points;
  const out: Record<string, string> = {};
  for (const [key, point] of Object.entries(KEYS)) {
    const p = points[point];
    if (!p) throw new Error(`spec/reference-fingerprint.json lacks point ${point}`);
    out[key] = p.reference;
  }
  return out as unknown as RegistryBehaviour;
}

/** The allowed values of each behaviour option, for --help and validation of user input. */
export function behaviourChoices(): Record<PointOption, string[]> {
  const points = referenceFingerprintSpec().points;
  const out: Record<string, string[]> = {};
  for (const [key, point] of Object.entries(KEYS)) out[key] = points[point]?.choices ?? [];
  return out as Record<PointOption, string[]>;
}
