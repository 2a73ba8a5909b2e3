// Refreshes the AWS reference fingerprint from a run against real ECR: every point real ECR answered
// one way becomes an observed fact. Points it answered two ways, or not at all, stay as they are.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import type { RunResult } from '../run/result.ts';
import { SPEC_DIR, type ReferenceFingerprintSpec } from '../spec/index.ts';

export interface Refresh {
  spec: ReferenceFingerprintSpec;
  changes: string[];
  unchanged: string[];
}

export function refreshReference(result: RunResult, current: ReferenceFingerprintSpec, allowNonAws = false): Refresh {
  const p = result.provenance;
  if (p.target.kind !== 'aws' && !allowNonAws) {
    throw new UsageError(`the report is from ${p.target.description}, not real ECR (run --aws); the reference describes what AWS does`, 'NOT_AWS');
  }
  const day = p.startedAt.slice(0, 10);
  const source = `RUN-${day}-${p.target.region}`;
  const spec = structuredClone(current);
  const changes: string[] = [];
  const unchanged: string[] = [];
  for (const f of result.fingerprint) {
    const point = spec.points[f.point];
    if (!point) continue;
    const seen = Object.entries(f.observed).filter(([, n]) => n > 0);
    if (seen.length !== 1) {
      unchanged.push(`${f.point}: ${seen.length === 0 ? 'not observed' : `answered ${seen.map(([c, n]) => `${c} ×${n}`).join(' and ')}: inconsistent, left as ${point.reference}`}`);
      continue;
    }
    const [choice, count] = seen[0]!;
    if (!point.choices.includes(choice)) continue;
    const before = `${point.reference} (${point.evidence}, ${point.confidence})`;
    Object.assign(point, { reference: choice, evidence: 'observed', confidence: 'high', source, note: `${count} answers of ${p.target.description} on ${day} (ecr-conformance ${p.suite.version}, seed ${p.seed})` });
    changes.push(`${f.point}: ${before} → ${choice} (observed ×${count})`);
  }
  if (changes.length > 0) spec.sources[source] = `a run of ecr-conformance ${p.suite.version} against ${p.target.description} on ${day}`;
  return { spec, changes, unchanged };
}

export const currentReference = (): ReferenceFingerprintSpec => JSON.parse(readFileSync(`${SPEC_DIR}reference-fingerprint.json`, 'utf8')) as ReferenceFingerprintSpec;
