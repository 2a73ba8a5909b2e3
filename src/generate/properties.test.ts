// Laws every generator obeys, checked with the judge's independent reading of the constraints.
import { describe, expect, it } from 'vitest';
import { analyseRequest, type Violation } from '../judge/contract.ts';
import { readSent } from '../judge/view.ts';
import type { Case, Knowledge } from '../model.ts';
import { plan } from '../run/runner.ts';
import { properties } from './properties.ts';

const P = `sha256:${'a'.repeat(64)}`;
const K: Knowledge = {
  accountId: '123456789012', otherAccountId: '000000000000', primary: 'repo', secondary: 'other', missingRepositories: ['gone-a', 'gone/b'],
  repositories: { repo: { layers: { [P]: { size: 3 } }, complete: true }, other: { layers: {}, complete: true } },
};

const violationsOf = (c: Case) => c.steps.map((s) => analyseRequest(readSent({
  caseId: c.id, label: s.label, durationMs: 0, request: { operation: 'BatchCheckLayerAvailability', headers: {}, body: s.rawBody ?? JSON.stringify(s.body) },
})));

/** The one constraint each invalid input class breaks. */
const BREAKS: Record<string, Violation> = {
  'list.empty': 'empty-list', 'list.too-many': 'too-many', 'digest.too-long': 'digest-too-long',
  'repository.name-too-short': 'repository-name-length', 'repository.name-too-long': 'repository-name-length',
  'repository.name-bad-pattern': 'repository-name-pattern', 'registry-id.malformed': 'registry-id',
  'member.missing-repository-name': 'missing-member', 'member.missing-layer-digests': 'missing-member', 'body.empty': 'missing-member',
  'member.wrong-type': 'wrong-type',
};

describe('generators', () => {
  const cases = plan(properties(K), 99, 120);

  it('the same seed gives the same cases; another seed other cases', () => {
    expect(plan(properties(K), 99, 120)).toEqual(cases);
    expect(plan(properties(K), 100, 120)).not.toEqual(cases);
  });

  it('name at least 25 input classes, each generated', () => {
    const classes = new Set(cases.flatMap((c) => c.inputClasses));
    expect(classes.size).toBeGreaterThanOrEqual(25);
    for (const cls of Object.keys(BREAKS)) expect(classes, cls).toContain(cls);
  });

  it('valid properties yield only requests within every constraint', () => {
    for (const c of cases.filter((x) => x.property !== 'invalid-request')) {
      for (const a of violationsOf(c)) expect(a.violations, `${c.id} ${JSON.stringify(c.steps[0])}`.slice(0, 300)).toEqual([]);
    }
  });

  it('each invalid case breaks exactly the constraint its class names', () => {
    const invalid = cases.filter((x) => x.property === 'invalid-request');
    expect(invalid.length).toBe(120);
    for (const c of invalid) {
      const named = c.inputClasses.map((cls) => BREAKS[cls]).filter(Boolean);
      expect(named, c.id).toHaveLength(1);
      expect(violationsOf(c)[0]!.violations, `${c.id} ${c.inputClasses}`).toEqual(named);
    }
  });

  it('every case carries an expected outcome and its steps are labelled for the metamorphic rules', () => {
    const labels = new Map(cases.map((c) => [c.property, c.steps.map((s) => s.label).join(',')]));
    expect(Object.fromEntries(labels)).toMatchObject({
      order: 'original,permuted', 'batch-independence': 'batch,alone', idempotence: 'first,second', 'registry-id': 'implicit,explicit', isolation: 'home,other',
    });
    for (const c of cases) expect(['success', 'InvalidParameterException', 'RepositoryNotFoundException', 'client-error']).toContain(c.expected);
  });

  it('without a repository or an account id, only what can be judged is generated', () => {
    const bare = properties({ otherAccountId: '000000000000', repositories: {}, missingRepositories: ['gone'] }).map((p) => p.name);
    expect(bare).toEqual(['invalid-request', 'missing-repository', 'boundaries']);
  });
});
