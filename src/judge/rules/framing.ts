import { operationSpec } from '../../spec/index.ts';
import { broken, type ExchangeRule, held, judged, show } from '../rule.ts';
import { requestIdHeader } from '../view.ts';

const framing = () => operationSpec().framing;

export const contentType: ExchangeRule = {
  id: 'framing.content-type',
  scope: 'exchange',
  check(x) {
    if (!judged(x) || !x.exchange.response) return [];
    const got = (x.exchange.response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const want = framing().contentType.value;
    return [got === want ? held(`Content-Type ${want}`) : broken(`${x.answer.summary} came with Content-Type ${show(got)}, expected ${want}`)];
  },
};

export const requestId: ExchangeRule = {
  id: 'framing.request-id',
  scope: 'exchange',
  check(x) {
    if (!judged(x) || !x.exchange.response) return [];
    const name = requestIdHeader(x.exchange);
    const names = framing().requestIdHeaders.value;
    return [name ? held(`${name} present`) : broken(`${x.answer.summary} carries no request id: none of ${names.join(', ')}`)];
  },
};

export const errorType: ExchangeRule = {
  id: 'framing.error-type',
  scope: 'exchange',
  check(x) {
    if (x.answer.kind !== 'error') return [];
    const errors = operationSpec().errors;
    const known = new Set([...errors.modelled.map((e) => e.name), ...errors.common.value]);
    const body = x.answer.json;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return [broken(`${x.answer.summary}: the error body is not a JSON object: ${show(x.exchange.response?.body ?? '')}`)];
    }
    if (x.answer.errorTypeSource !== 'body' || typeof (body as Record<string, unknown>)['__type'] !== 'string') {
      const where = x.answer.errorTypeSource === 'header' ? ` (only the x-amzn-ErrorType header names ${x.answer.errorType}; botocore reads the body)` : '';
      return [broken(`HTTP ${x.answer.status}: the error body has no top-level __type${where}: ${show(body)}`)];
    }
    if (!known.has(x.answer.errorType!)) return [broken(`HTTP ${x.answer.status}: __type ${show((body as Record<string, unknown>)['__type'])} is neither a modelled error of the operation nor a common AWS error`)];
    if (x.answer.message === undefined) return [broken(`${x.answer.summary}: the error body has no message string: ${show(body)}`)];
    return [held(`${x.answer.errorType} with a message`)];
  },
};

export const errorStatus: ExchangeRule = {
  id: 'framing.error-status',
  scope: 'exchange',
  check(x) {
    if (x.answer.kind === 'success') {
      return [x.answer.status === 200 ? held('success is 200') : broken(`a success answered with HTTP ${x.answer.status}, expected 200`)];
    }
    if (x.answer.kind !== 'error' || x.answer.errorType === undefined) return [];
    const modelled = operationSpec().errors.modelled.find((e) => e.name === x.answer.errorType);
    if (!modelled) return [];
    return [modelled.status === x.answer.status
      ? held(`${modelled.name} is ${modelled.status}`)
      : broken(`${modelled.name} came with HTTP ${x.answer.status}, modelled as ${modelled.status}`)];
  },
};
