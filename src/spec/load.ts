// Loads spec/ — the contract as data — validates its structure, and computes its checksum.
// Everything that knows a number about ECR reads it from here.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const SPEC_DIR = fileURLToPath(new URL('../../spec/', import.meta.url));

const evidence = z.enum(['documented', 'inferred', 'observed']);
export type Evidence = z.infer<typeof evidence>;

/** A fact: a value with its evidence level and the key of its source. */
const fact = <T extends z.ZodType>(value: T) =>
  z.object({ value, evidence, source: z.string().min(1) }).loose();

const enumValue = z.object({ value: z.string(), model: z.string(), evidence, source: z.string() });

const operationSchema = z.object({
  specVersion: z.literal(1),
  sources: z.record(z.string(), z.string()),
  operation: z.object({
    name: fact(z.string()),
    shapeId: fact(z.string()),
    serviceShapeId: fact(z.string()),
    readOnly: fact(z.boolean()),
  }),
  framing: z.object({
    method: fact(z.string()),
    path: fact(z.string()),
    protocol: fact(z.string()),
    contentType: fact(z.string()),
    targetPrefix: fact(z.string()),
    signingName: fact(z.string()),
    endpointPrefix: fact(z.string()),
    requestIdHeader: fact(z.string()),
    requestIdHeaders: fact(z.array(z.string()).min(1)),
    errorTypeHeader: fact(z.string()),
    emptyBodyAccepted: fact(z.boolean()),
  }),
  input: z.object({
    registryId: z.object({ required: fact(z.boolean()), type: z.literal('string'), pattern: fact(z.string()) }),
    repositoryName: z.object({
      required: fact(z.boolean()),
      type: z.literal('string'),
      minLength: fact(z.number().int()),
      maxLength: fact(z.number().int()),
      patterns: z.array(enumValue).min(1),
    }),
    layerDigests: z.object({
      required: fact(z.boolean()),
      type: z.literal('array'),
      minItems: fact(z.number().int()),
      maxItems: fact(z.number().int()),
      items: z.object({ type: z.literal('string'), minLength: fact(z.number().int()), maxLength: fact(z.number().int()) }),
    }),
  }),
  output: z.object({
    members: fact(z.array(z.string())),
    layer: z.object({
      members: fact(z.array(z.string())),
      types: fact(z.record(z.string(), z.enum(['string', 'integer']))),
      layerDigestPattern: fact(z.string()),
      layerSizeMinimum: fact(z.number().int()),
    }),
    failure: z.object({
      members: fact(z.array(z.string())),
      types: fact(z.record(z.string(), z.enum(['string', 'integer']))),
    }),
  }),
  enums: z.object({ LayerAvailability: z.array(enumValue), LayerFailureCode: z.array(enumValue) }),
  errors: z.object({
    modelled: z.array(z.object({ name: z.string(), fault: z.enum(['client', 'server']), status: z.number().int(), evidence, source: z.string() })),
    common: fact(z.array(z.string())),
    throttling: fact(z.array(z.string())),
    quotaLimits: fact(z.array(z.string())),
    transient: fact(z.object({ statuses: z.array(z.number().int()), types: z.array(z.string()) })),
    authorization: fact(z.object({ permission: z.array(z.string()), credentials: z.array(z.string()) })),
    foreignRegistry: fact(z.array(z.string()).min(1)),
    unavailable: fact(z.object({ statuses: z.array(z.number().int()), types: z.array(z.string()) })),
    notImplemented: fact(z.object({ statuses: z.array(z.number().int()), types: z.array(z.string()) })),
    violation: fact(z.string()),
    missingRepository: fact(z.string()),
  }),
  quota: z.object({ requestsPerSecond: fact(z.number().int()) }),
  clients: z.object({
    retry: fact(z.object({
      baseDelayMs: z.number().int(), throttlingBaseDelayMs: z.number().int(), maxDelayMs: z.number().int(),
      initialTokens: z.number().int(), retryCost: z.number().int(), timeoutRetryCost: z.number().int(), noRetryIncrement: z.number().int(), maxAttempts: z.number().int().min(1),
    })),
  }),
  examples: z.array(z.object({
    id: z.string(),
    title: z.string(),
    evidence,
    source: z.string(),
    request: z.object({ repositoryName: z.string(), layerDigests: z.array(z.string()), registryId: z.string().optional() }),
    response: z.record(z.string(), z.unknown()),
  })),
});
export type OperationSpec = z.infer<typeof operationSchema>;

const seedingSchema = z.object({
  specVersion: z.literal(1),
  operations: z.record(z.string(), z.object({ evidence, source: z.string(), input: z.array(z.string()), errors: z.array(z.string()) })),
  layerPartSize: z.object({ minimum: fact(z.number().int()), maximum: fact(z.number().int()), tooSmall: fact(z.string()) }),
  /** Pauses (ms) before each look at a repository just created or deleted, per kind of target. */
  repositoryConsistency: fact(z.object({ emulator: z.array(z.number().int().min(0)).min(1), aws: z.array(z.number().int().min(0)).min(1) })),
  defaultLayerMediaType: fact(z.string()),
  /** The media type the suite's manifest gives its config blob (its layers get defaultLayerMediaType). */
  configMediaType: fact(z.string()),
  /** How AWS authorizes the operations the suite calls: read by the policy generator and by serve --policy. */
  iam: z.object({
    actionPrefix: fact(z.string()),
    repositoryArn: fact(z.string().includes('{name}')),
    tagOnCreate: fact(z.string()),
    listing: fact(z.string()),
    byArn: fact(z.array(z.string())),
    malformedFirst: fact(z.boolean()),
  }),
});
export type SeedingSpec = z.infer<typeof seedingSchema>;

const fingerprintSchema = z.object({
  specVersion: z.literal(1),
  sources: z.record(z.string(), z.string()),
  canonicalDigestPattern: fact(z.string()),
  registeredAlgorithms: fact(z.record(z.string(), z.number().int())),
  /** Algorithms a widely used digest library validates, each with its length in hex: the grey point's classes follow them. */
  libraryAlgorithms: fact(z.record(z.string(), z.number().int())),
  points: z.record(z.string(), z.object({
    question: z.string(),
    choices: z.array(z.string()).min(2),
    /** Classes of input a server can reasonably answer differently: the point is asked, and consistency demanded, per class. */
    classes: z.array(z.string()).optional(),
    reference: z.string(),
    evidence,
    confidence: z.enum(['low', 'medium', 'high']),
    source: z.string(),
    note: z.string().optional(),
  }).refine((p) => p.choices.includes(p.reference), 'reference must be one of choices')),
});
export type ReferenceFingerprintSpec = z.infer<typeof fingerprintSchema>;

export class SpecError extends Error {
  readonly code = 'SPEC_INVALID';
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(SPEC_DIR + file, 'utf8'));
}

function parse<T>(schema: z.ZodType<T>, file: string): T {
  const result = schema.safeParse(readJson(file));
  if (!result.success) {
    const first = result.error.issues[0];
    throw new SpecError(`spec/${file}: ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** What a target can be found able to do; a rule that needs one the target lacks is SKIPPED. */
export const CAPABILITIES = ['repository', 'complete-repository', 'stored-layers', 'second-repository', 'account-id', 'lifecycle', 'recreate', 'unreferenced-layer', 'multipart-layer', 'image-manifest'] as const;
export type Capability = (typeof CAPABILITIES)[number];

const rulesSchema = z.object({
  specVersion: z.literal(1),
  families: z.record(z.string(), z.string()),
  rules: z.array(z.object({
    id: z.string().regex(/^[a-z]+\.[a-z0-9-]+$/),
    family: z.string(),
    scope: z.enum(['exchange', 'case', 'run']),
    breaks: z.enum(['FAIL', 'DIVERGENT']),
    evidence,
    source: z.string(),
    statement: z.string().min(10),
    point: z.string().optional(),
    /** What counts as one check of the rule, and how many a run needs before it can PASS. */
    checks: z.object({ what: z.string().min(5), minimum: z.number().int().min(1) }),
    /** Target capabilities the rule depends on. */
    needs: z.array(z.enum(CAPABILITIES)).optional(),
    /** Coverage buckets whose requests must have been answered. */
    buckets: z.array(z.string().regex(/^[a-z-]+:[a-z0-9+-]+$/)).optional(),
    /**
     * Parts of the statement that each need a check of their own: the rule PASSes only once a check
     * that held covered every one (checks alone could all be of the other parts). `needs`: the
     * capability without which the facet cannot be checked, named in the reason when it is missing.
     */
    facets: z.array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/), what: z.string().min(5), needs: z.enum(CAPABILITIES).optional() })).min(1).optional(),
  })),
});
export type RuleCatalogueSpec = z.infer<typeof rulesSchema>;
export type RuleSpec = RuleCatalogueSpec['rules'][number];

const alternativesSchema = z.object({
  specVersion: z.literal(1),
  sources: z.record(z.string(), z.string()),
  alternatives: z.array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/), evidence, source: z.string().min(1), statement: z.string().min(10) })).min(8),
});
export type LegalAlternativesSpec = z.infer<typeof alternativesSchema>;

interface Loaded { operation: OperationSpec; seeding: SeedingSpec; fingerprint: ReferenceFingerprintSpec; rules: RuleCatalogueSpec; alternatives: LegalAlternativesSpec }
let cached: Loaded | undefined;

function load(): Loaded {
  cached ??= {
    operation: parse(operationSchema, 'operation.json'),
    seeding: parse(seedingSchema, 'seeding.json'),
    fingerprint: parse(fingerprintSchema, 'reference-fingerprint.json'),
    rules: parse(rulesSchema, 'rules.json'),
    alternatives: parse(alternativesSchema, 'legal-alternatives.json'),
  };
  return cached;
}

/** The operation contract. Parsed once; callers must treat it as read-only. */
export const operationSpec = (): OperationSpec => load().operation;
/** The sibling operations used for seeding and cleanup. */
export const seedingSpec = (): SeedingSpec => load().seeding;
/** What real ECR is believed to do where the documentation is silent. */
export const referenceFingerprintSpec = (): ReferenceFingerprintSpec => load().fingerprint;

/** JSON with object keys sorted, so the checksum ignores formatting and key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 over every spec/*.json file in canonical form: stamped into reports. */
export function specChecksum(dir: string = SPEC_DIR): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    hash.update(file).update('\0').update(canonicalJson(JSON.parse(readFileSync(dir + file, 'utf8')))).update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}
/** The judge's rule catalogue: ids, statements, evidence and sources. */
export const ruleCatalogueSpec = (): RuleCatalogueSpec => load().rules;
/** Answers a conformant server may legally give: the self-test serves each and expects CONFORMANT. */
export const legalAlternativesSpec = (): LegalAlternativesSpec => load().alternatives;

/** Every source key the spec files define, with its text. */
export const allSources = (): Record<string, string> => ({ ...load().operation.sources, ...load().fingerprint.sources, ...load().alternatives.sources });
