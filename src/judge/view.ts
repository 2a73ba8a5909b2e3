// Reads an exchange the way the judge needs it: what was sent (parsed from the exact bytes) and
// what kind of answer came back. Pure; never throws.
import { operationSpec } from '../spec/index.ts';
import { actionOutcome, type Exchange } from '../model.ts';
import { MAX_JSON_DEPTH, scanJson, type WireScan } from './wire.ts';

export interface Sent {
  /** The parsed request body, when it was a JSON object. */
  json?: Record<string, unknown>;
  has(member: string): boolean;
  repositoryName?: string;
  registryId?: string;
  /** The digest list when it is a list of strings. */
  digests?: string[];
}

/**
 * success: 2xx with a JSON body. error: an HTTP error answer. not-implemented: the target says it does
 * not implement the operation. throttled: a rate limit that outlasted the retries. unavailable: a
 * gateway's or an overloaded server's 502, 503 or 504 (or its error code) that outlasted the retries,
 * an answer about the service's state, not the request (spec: errors.unavailable). fault: no readable
 * answer (transport fault, or JSON nested past the depth bound). garbage: 2xx that arrived whole but
 * is not JSON (wire.json fails it; no other rule can read it).
 * action: a scenario's change to the target, not an answer of the operation. denied: an answer about
 * the caller (no permission, bad credentials), not about the request: never judged, never a FAIL.
 */
export type AnswerKind = 'success' | 'error' | 'fault' | 'not-implemented' | 'throttled' | 'unavailable' | 'garbage' | 'action' | 'denied';

/** No answer about the request: a transport fault, or a throttle or an unavailable service that outlasted the retries. */
export const noAnswer = (kind: AnswerKind): boolean => kind === 'fault' || kind === 'throttled' || kind === 'unavailable';

export interface Answer {
  kind: AnswerKind;
  status: number;
  /** The parsed body when it is JSON (an empty success body counts as {}). */
  json?: unknown;
  /** How the body was written, when it was read as JSON. */
  wire?: WireScan;
  /** The sanitized error type (text before ':', then after '#'), from the body __type, code, or the header. */
  errorType?: string;
  /** Where errorType came from. */
  errorTypeSource?: 'body' | 'header';
  message?: string;
  /** A short description for findings. */
  summary: string;
}

export interface View {
  exchange: Exchange;
  sent: Sent;
  answer: Answer;
}

export function sanitizeErrorType(raw: string): string {
  const beforeColon = raw.split(',')[0]!.split(':')[0]!;
  const hash = beforeColon.lastIndexOf('#');
  return (hash >= 0 ? beforeColon.slice(hash + 1) : beforeColon).trim();
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function readSent(exchange: Exchange): Sent {
  if (exchange.action) return { has: () => false };
  const parsed = exchange.request.body.trim() === '' ? { ok: true as const, value: {} } : tryJson(exchange.request.body);
  const json = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
  const sent: Sent = { has: (m) => json !== undefined && json[m] !== undefined && json[m] !== null };
  if (json) {
    sent.json = json;
    if (typeof json['repositoryName'] === 'string') sent.repositoryName = json['repositoryName'];
    if (typeof json['registryId'] === 'string') sent.registryId = json['registryId'];
    const d = json['layerDigests'];
    if (Array.isArray(d) && d.every((x) => typeof x === 'string')) sent.digests = d as string[];
  }
  return sent;
}

/** The answer says the target does not implement the operation: one test, used by run, check, replay and verify. */
export function notImplemented(status: number, errorType: string | undefined, bodyIsJson: boolean): boolean {
  const n = operationSpec().errors.notImplemented.value;
  return n.statuses.includes(status) || (errorType !== undefined && n.types.includes(errorType)) || (status >= 500 && !bodyIsJson);
}

/**
 * What an answer with this status and error type is about when it is not about the request: the
 * service's state (a gateway's or an overloaded server's 502–504), its rate (a throttle), or the caller
 * (no permission, bad credentials). Undefined: the target's answer to the request.
 */
export function notAboutTheRequest(status: number, errorType: string | undefined): 'unavailable' | 'throttled' | 'denied' | undefined {
  const errors = operationSpec().errors;
  if (errors.unavailable.value.statuses.includes(status) || (errorType !== undefined && errors.unavailable.value.types.includes(errorType))) return 'unavailable';
  if (status === 429 || (errorType !== undefined && errors.throttling.value.includes(errorType))) return 'throttled';
  if (errorType !== undefined && (errors.authorization.value.permission.includes(errorType) || errors.authorization.value.credentials.includes(errorType))) return 'denied';
  return undefined;
}

export function readAnswer(exchange: Exchange): Answer {
  if (exchange.action) {
    const a = exchange.action;
    return { kind: 'action', status: 0, summary: `${a.kind} ${a.repositoryName}: ${actionOutcome(a)} (${a.detail})` };
  }
  const res = exchange.response;
  if (!res) {
    return { kind: 'fault', status: 0, summary: `transport fault (${exchange.fault?.kind ?? 'other'}): ${exchange.fault?.message ?? ''}` };
  }
  const empty = res.body.trim() === '';
  const wire = empty ? undefined : scanJson(res.body);
  if (wire?.tooDeep) {
    return { kind: 'fault', status: res.status, summary: `HTTP ${res.status} with JSON nested deeper than ${MAX_JSON_DEPTH} levels (not judged)` };
  }
  const parsed = empty ? { ok: true as const, value: {} } : tryJson(res.body);
  const body = parsed.ok ? parsed.value : undefined;
  const answer: Answer = { kind: 'error', status: res.status, summary: `HTTP ${res.status}` };
  if (parsed.ok) {
    answer.json = body;
    if (wire) answer.wire = wire;
  }
  if (isObject(body)) {
    const raw = typeof body['__type'] === 'string' ? body['__type'] : typeof body['code'] === 'string' ? body['code'] : undefined;
    if (raw !== undefined) {
      answer.errorType = sanitizeErrorType(raw);
      answer.errorTypeSource = 'body';
    }
    const message = typeof body['message'] === 'string' ? body['message'] : typeof body['Message'] === 'string' ? body['Message'] : undefined;
    if (message !== undefined) answer.message = message;
  }
  const header = res.headers[operationSpec().framing.errorTypeHeader.value.toLowerCase()];
  if (answer.errorType === undefined && header) {
    answer.errorType = sanitizeErrorType(header);
    answer.errorTypeSource = 'header';
  }
  if (answer.errorType) answer.summary = `HTTP ${res.status} ${answer.errorType}`;

  const about = notAboutTheRequest(res.status, answer.errorType);
  if (about === 'unavailable') {
    // Before "not implemented": a gateway's 502 is often an HTML page, and says nothing of the target.
    answer.kind = 'unavailable';
    if (!parsed.ok) answer.summary = `HTTP ${res.status} with a non-JSON body`;
  } else if (notImplemented(res.status, answer.errorType, parsed.ok)) {
    answer.kind = 'not-implemented';
    if (!parsed.ok) answer.summary = `HTTP ${res.status} with a non-JSON body`;
  } else if (about) {
    answer.kind = about;
  } else if (res.status >= 200 && res.status < 300) {
    answer.kind = parsed.ok ? 'success' : 'garbage';
    answer.summary = parsed.ok ? `HTTP ${res.status}` : `HTTP ${res.status} with a body that is not JSON`;
  }
  return answer;
}

/** Which request-id header an answer carries, in the order the SDKs read them; undefined when none. */
export function requestIdHeader(exchange: Exchange): string | undefined {
  const headers = exchange.response?.headers ?? {};
  return operationSpec().framing.requestIdHeaders.value.find((h) => Boolean(headers[h.toLowerCase()]));
}

export function view(exchange: Exchange): View {
  return { exchange, sent: readSent(exchange), answer: readAnswer(exchange) };
}
