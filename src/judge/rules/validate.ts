import { operationSpec } from '../../spec/index.ts';
import type { Knowledge } from '../../model.ts';
import { analyseRequest, digestKind, foreignRegistry, knownRepository, length, type Violation } from '../contract.ts';
import { broken, type ExchangeRule, held, judged, show } from '../rule.ts';
import type { View } from '../view.ts';

const violationError = () => operationSpec().errors.violation.value;
const statusOf = (type: string) => operationSpec().errors.modelled.find((e) => e.name === type)?.status;
const request = (x: View) => show(x.exchange.request.body);

function expectError(x: View, type: string, what: string) {
  if (x.answer.kind === 'success') return broken(`${what} was accepted: HTTP ${x.answer.status} ${show(x.answer.json)}`);
  if (x.answer.errorType === type && x.answer.status === statusOf(type)) return held(`${what} → ${x.answer.summary}`);
  return broken(`${what} got ${x.answer.summary}${x.answer.message !== undefined ? ` (${show(x.answer.message)})` : ''}, expected ${statusOf(type)} ${type}`);
}

function violationRule(id: string, violation: Violation, what: (x: View) => string): ExchangeRule {
  return {
    id,
    scope: 'exchange',
    check(x) {
      if (!judged(x) || !analyseRequest(x.sent).violations.includes(violation)) return [];
      return [expectError(x, violationError(), what(x))];
    },
  };
}

const digestCount = (x: View) => `a list of ${x.sent.digests?.length ?? '?'} digests`;

export const emptyList = violationRule('validate.empty-list', 'empty-list', () => 'an empty layerDigests list');
export const tooMany = violationRule('validate.too-many', 'too-many', digestCount);
export const digestTooLong = violationRule('validate.digest-too-long', 'digest-too-long', (x) =>
  `a digest of ${Math.max(...(x.sent.digests ?? []).map(length))} characters`);
export const repositoryNameLength = violationRule('validate.repository-name-length', 'repository-name-length', (x) => {
  const n = length(x.sent.repositoryName ?? '');
  return `a repositoryName of ${n} character${n === 1 ? '' : 's'} (${show(x.sent.repositoryName)})`;
});
export const repositoryNamePattern = violationRule('validate.repository-name-pattern', 'repository-name-pattern', (x) =>
  `repositoryName ${show(x.sent.repositoryName)}`);
export const registryId = violationRule('validate.registry-id', 'registry-id', (x) => `registryId ${show(x.sent.registryId)}`);
export const missingMember = violationRule('validate.missing-member', 'missing-member', (x) =>
  `a request without ${['repositoryName', 'layerDigests'].filter((m) => !x.sent.has(m)).join(' and ')} (${request(x)})`);

export const wrongType: ExchangeRule = {
  id: 'validate.wrong-type',
  scope: 'exchange',
  check(x) {
    if (!judged(x) || !analyseRequest(x.sent).violations.includes('wrong-type')) return [];
    const what = `body ${request(x)}`;
    if (x.answer.kind === 'success') return [broken(`${what} was accepted with HTTP ${x.answer.status}`)];
    return [x.answer.status >= 400 && x.answer.status < 500 ? held(`${what} → ${x.answer.summary}`) : broken(`${what} got ${x.answer.summary}, expected a 4xx client error`)];
  },
};

const validAndOwn = (x: View, k: Knowledge) => {
  const a = analyseRequest(x.sent);
  return a.violations.length === 0 && !a.newModelOnlyName && (x.sent.registryId === undefined || x.sent.registryId === k.accountId);
};

export const repositoryNotFound: ExchangeRule = {
  id: 'validate.repository-not-found',
  scope: 'exchange',
  facets: ['only-malformed-digests'],
  check(x, k: Knowledge) {
    const s = x.sent;
    if (!judged(x) || s.repositoryName === undefined || !k.missingRepositories.includes(s.repositoryName) || !validAndOwn(x, k)) return [];
    // "Whatever its digests": also when none of them is well formed, so that none needs looking up.
    const malformedOnly = s.digests !== undefined && s.digests.length > 0 && s.digests.every((d) => digestKind(d) === 'malformed' || digestKind(d) === 'empty');
    const outcome = expectError(x, operationSpec().errors.missingRepository.value, `repository ${show(s.repositoryName)}, which does not exist,`);
    return [outcome.held && malformedOnly ? held(outcome.message, ['only-malformed-digests']) : outcome];
  },
};

export const acceptsValid: ExchangeRule = {
  id: 'validate.accepts-valid',
  scope: 'exchange',
  check(x) {
    if (!judged(x) || !x.sent.json) return [];
    const a = analyseRequest(x.sent);
    if (a.violations.length > 0 || a.newModelOnlyName) return [];
    const type = violationError();
    return [x.answer.kind === 'error' && x.answer.errorType === type
      ? broken(`a request within every constraint got ${type}: ${show(x.answer.message)} (request ${request(x)})`)
      : held(`a valid request got ${x.answer.summary}`)];
  },
};

export const validSucceeds: ExchangeRule = {
  id: 'validate.valid-succeeds',
  scope: 'exchange',
  check(x, k) {
    if (!judged(x) || !validAndOwn(x, k) || !knownRepository(x.sent, k)) return [];
    if (x.answer.kind === 'success') return [held(`a valid request for existing repository ${show(x.sent.repositoryName)} succeeded`)];
    const retried = x.exchange.retries ? ` (still so after ${x.exchange.retries} retries)` : '';
    return [broken(`a valid request for existing repository ${show(x.sent.repositoryName)} got ${x.answer.summary}${x.answer.message !== undefined ? ` ${show(x.answer.message)}` : ''}${retried}, expected a success (request ${request(x)})`)];
  },
};

export const foreignRegistryRule: ExchangeRule = {
  id: 'validate.foreign-registry',
  scope: 'exchange',
  check(x, k) {
    // Denied is the expected answer here: another account's registry, without a grant.
    if ((!judged(x) && x.answer.kind !== 'denied') || !foreignRegistry(x.sent, k) || x.sent.repositoryName === undefined || !k.repositories[x.sent.repositoryName]) return [];
    if (analyseRequest(x.sent).violations.length > 0) return [];
    const allowed = operationSpec().errors.foreignRegistry.value;
    const what = `registryId ${show(x.sent.registryId)} (not the caller's ${k.accountId}) with the caller's repository ${show(x.sent.repositoryName)}`;
    if (x.answer.kind === 'success') return [broken(`${what} was answered from the caller's repository: ${show(x.answer.json)}`)];
    if ((x.answer.kind === 'error' || x.answer.kind === 'denied') && x.answer.errorType !== undefined && allowed.includes(x.answer.errorType)) return [held(`${what} → ${x.answer.summary}`)];
    return [broken(`${what} got ${x.answer.summary}, expected ${allowed.join(' or ')}`)];
  },
};
