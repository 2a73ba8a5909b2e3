// The shape of a rule: a pure function from views of exchanges to outcomes. Every outcome is one
// check of the rule; no outcome means the rule did not apply. A rule never throws for a bad answer;
// if it throws, that is our bug.
import { createHash } from 'node:crypto';
import type { Knowledge } from '../model.ts';
import type { Tally } from './fingerprint.ts';
import type { View } from './view.ts';

export interface Outcome {
  held: boolean;
  message: string;
  /** The facets of its rule (spec/rules.json) a check that held covered. */
  facets?: readonly string[];
}

/** How a facet's checks that held are counted among a rule's buckets (and named where one is not applicable). */
export const facetKey = (id: string) => `facet:${id}`;

export const held = (message: string, facets?: readonly string[]): Outcome => (facets ? { held: true, message, facets } : { held: true, message });
export const broken = (message: string): Outcome => ({ held: false, message });

export interface ExchangeRule {
  id: string;
  scope: 'exchange';
  /** The facet ids its outcomes name; spec/rules.json describes the same ones. */
  facets?: readonly string[];
  check(x: View, k: Knowledge): Outcome[];
}

/** Sees every exchange of one case, labelled by step (scenario actions included). */
export interface CaseRule {
  id: string;
  scope: 'case';
  /** The facet ids its outcomes name; spec/rules.json describes the same ones. */
  facets?: readonly string[];
  check(xs: View[], k: Knowledge): Outcome[];
}

/** Sees the run's fingerprint tally; its outcomes name the cases they come from. */
export interface RunRule {
  id: string;
  scope: 'run';
  check(t: Tally, k: Knowledge): (Outcome & { caseId?: string })[];
}

export type Rule = ExchangeRule | CaseRule | RunRule;

/** Answers a rule can judge: the target spoke HTTP and did not refuse the operation. */
export const judged = (x: View) => x.answer.kind === 'success' || x.answer.kind === 'error' || x.answer.kind === 'not-implemented';

/** Values longer than this are shown cut, with their length and sha256, so a report stays small whatever the target sends. */
export const SHOW_LIMIT = 1100;

/** A value as JSON for a finding: whole up to SHOW_LIMIT characters (a 1000-character digest fits), else cut and fingerprinted. */
export const show = (value: unknown, max = SHOW_LIMIT): string => {
  const text = JSON.stringify(value) ?? String(value);
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…(${text.length} chars, sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)})`;
};
