// Relations between the exchanges of one case: they need no oracle, only answers to compare —
// two requests that must get the same answers, or one request before and after a change.
import { operationSpec } from '../../spec/index.ts';
import { signature } from '../entries.ts';
import { broken, type CaseRule, held, type Outcome, show } from '../rule.ts';
import type { View } from '../view.ts';

const step = (xs: View[], label: string) => xs.find((x) => x.exchange.label === label);
const ok = (x: View) => x.answer.kind === 'success';
/** An answer the target gave: neither a transport fault nor a throttle that outlasted the retries. */
const answered = (x: View) => x.answer.kind === 'success' || x.answer.kind === 'error' || x.answer.kind === 'not-implemented';

/** Compares what each digest of `digests` got in two exchanges. */
function compare(a: View, b: View, digests: Iterable<string>, relation: string) {
  for (const d of new Set(digests)) {
    const sa = signature(a, d);
    const sb = signature(b, d);
    if (sa !== sb) return broken(`${show(d)} got ${sa} (${a.exchange.label}) but ${sb} (${b.exchange.label}): ${relation}`);
  }
  return held(`same answers ${relation}`);
}

/**
 * Two requests that must get the same answer per digest. A check is a pair whose first answer is a
 * success; the second must then be a success too, with the same answers. Two errors prove nothing.
 */
function judgePair(a: View | undefined, b: View | undefined, relation: string, digestsOf: (a: View, b: View) => string[]) {
  if (!a || !b || !answered(a) || !answered(b)) return [];
  if (!ok(a) && !ok(b)) return [];
  if (!ok(a) || !ok(b)) {
    const [good, bad] = ok(a) ? [a, b] : [b, a];
    return [broken(`the request succeeded ${good === a ? 'as' : 'when'} '${good.exchange.label}' but got ${bad.answer.summary} as '${bad.exchange.label}': ${relation} (request ${show(bad.exchange.request.body)})`)];
  }
  return [compare(a, b, digestsOf(a, b), relation)];
}

function pairRule(id: string, first: string, second: string, relation: string, digestsOf: (a: View, b: View) => string[]): CaseRule {
  return { id, scope: 'case', check: (xs) => judgePair(step(xs, first), step(xs, second), relation, digestsOf) };
}

const sentDigests = (x: View) => x.sent.digests ?? [];

export const order = pairRule('metamorphic.order', 'original', 'permuted', 'after reordering the list', (a) => sentDigests(a));
/** The batch beside each digest of it checked alone afterwards ('alone', 'alone-absent'): the first pair that differs breaks it. */
export const batchIndependence: CaseRule = {
  id: 'metamorphic.batch-independence',
  scope: 'case',
  check(xs) {
    const batch = step(xs, 'batch');
    let held: Outcome[] = [];
    for (const alone of xs.filter((x) => x.exchange.label.startsWith('alone'))) {
      const outcomes = judgePair(batch, alone, 'alone and in a batch', (_a, b) => sentDigests(b));
      if (outcomes.some((o) => !o.held)) return outcomes;
      if (held.length === 0) held = outcomes;
    }
    return held;
  },
};
export const idempotent = pairRule('metamorphic.idempotent', 'first', 'second', 'when the same request is repeated', (a) => sentDigests(a));
export const registryId = pairRule('metamorphic.registry-id', 'implicit', 'explicit', 'with and without the caller\'s own registryId', (a) => sentDigests(a));
export const unknownMember = pairRule('metamorphic.unknown-member', 'plain', 'extra-member', 'with and without an unknown extra member', (a) => sentDigests(a));

export const repositoryIsolation: CaseRule = {
  id: 'metamorphic.repository-isolation',
  scope: 'case',
  check(xs) {
    const home = step(xs, 'home');
    const other = step(xs, 'other');
    if (!home || !other || !ok(home) || !ok(other)) return [];
    const availableAtHome = sentDigests(home).filter((d) => signature(home, d).startsWith('layer:AVAILABLE'));
    if (availableAtHome.length === 0) return [];
    const leaked = availableAtHome.find((d) => signature(other, d).includes('layer:AVAILABLE'));
    return [leaked === undefined
      ? held(`${availableAtHome.length} layer(s) of ${show(home.sent.repositoryName)} not available in ${show(other.sent.repositoryName)}`)
      : broken(`${show(leaked)}, stored only in ${show(home.sent.repositoryName)}, is AVAILABLE in ${show(other.sent.repositoryName)}`)];
  },
};

/** The scenario's upload into the repository it checks (`label`'s), accepted or not: the layer the checks around it are about. */
function uploadTried(xs: View[], label: string) {
  const repo = step(xs, label)?.sent.repositoryName;
  const a = xs.find((x) => x.exchange.action?.kind === 'upload' && x.exchange.action.repositoryName === repo)?.exchange.action;
  return a?.digest !== undefined ? a : undefined;
}

/** The same, only when it was accepted. */
function upload(xs: View[], label: string) {
  const a = uploadTried(xs, label);
  return a?.ok ? a : undefined;
}

/** The same layer uploaded to another repository first, when it was accepted there. */
const elsewhere = (xs: View[], repo: string) => xs.find((x) => x.exchange.action?.kind === 'upload' && x.exchange.action.ok && x.exchange.action.repositoryName !== repo)?.exchange.action;

export const readYourWrite: CaseRule = {
  id: 'metamorphic.read-your-write',
  scope: 'case',
  facets: ['stored-elsewhere-first', 'uploaded-together'],
  check(xs) {
    const before = step(xs, 'before');
    const after = step(xs, 'after');
    if (!before || !after || !ok(before)) return [];
    const repo = after.sent.repositoryName;
    // Every layer the case tried to upload into the repository it checks, accepted or not: each is new to it.
    const tried = xs.map((x) => x.exchange.action).filter((a): a is NonNullable<typeof a> => a?.kind === 'upload' && a.repositoryName === repo && a.digest !== undefined);
    if (tried.length === 0) return [];
    // The same layer stored in another repository first (the case's fresh layer).
    const other = elsewhere(xs, repo!);
    const first = (d: string) => (other?.digest === d ? other : undefined);
    // The check before stands on its own: the layers are new whether or not their uploads were accepted.
    for (const t of tried) {
      const was = signature(before, t.digest!);
      const there = first(t.digest!);
      if (was.includes('layer:AVAILABLE')) return [broken(`${show(t.digest)} was AVAILABLE in ${show(repo)} before it was uploaded there${there ? `, only because it was stored in ${show(there.repositoryName)}: a layer belongs to the repository it was uploaded to` : ''}: ${was}`)];
    }
    const accepted = tried.filter((t) => t.ok);
    if (accepted.length === 0) return [];
    const together = (t: (typeof tried)[number]) => ((t.together ?? 1) > 1 ? `, uploaded together with ${t.together! - 1} other layer(s), their calls interleaved` : '');
    // A throttle, a denial or a fault after the upload says nothing about the store: only an answer can.
    if (!answered(after)) return [];
    if (!ok(after)) return [broken(`after CompleteLayerUpload accepted ${show(accepted[0]!.digest)} (${accepted[0]!.size} bytes${together(accepted[0]!)}) the check got ${after.answer.summary}`)];
    for (const up of accepted) {
      const now = signature(after, up.digest!);
      const there = first(up.digest!);
      if (!now.startsWith(`layer:AVAILABLE:${up.size}:`)) {
        return [broken(`after CompleteLayerUpload accepted ${show(up.digest)} (${up.size} bytes${together(up)}) in ${show(repo)}${there ? ` (stored in ${show(there.repositoryName)} first)` : ''}, the next check answered ${now}, expected AVAILABLE with layerSize ${up.size}`)];
      }
    }
    const facets = [...(accepted.some((up) => first(up.digest!)) ? ['stored-elsewhere-first'] : []), ...(accepted.filter((up) => (up.together ?? 1) > 1).length > 1 ? ['uploaded-together'] : [])];
    const also = [...(facets.includes('stored-elsewhere-first') ? [`one stored in ${show(other!.repositoryName)} first`] : []), ...(facets.includes('uploaded-together') ? ['uploaded together'] : [])];
    return [held(`${accepted.length} layer(s) not available before their upload, AVAILABLE with their sizes after${also.length > 0 ? ` (${also.join('; ')})` : ''}`, facets)];
  },
};

/**
 * A layer becomes AVAILABLE only by a completed upload of its own content: not by parts that were
 * never completed, nor by a completion under another digest (ECR computes the digest of what it
 * received and refuses a mismatch, InvalidLayerException) — neither under the digest claimed, whose
 * content was never sent, nor under the digest of the content sent — nor because an image manifest
 * names it (ECR refuses such a manifest, LayersNotFoundException; whether a target accepts it is
 * PutImage's business, not judged here), nor by a completion through another repository than the one
 * the upload was started in (UploadNotFoundException: an upload ID is valid for its repository only),
 * nor by parts sent through another repository to an upload completed in its own (UploadNotFoundException
 * for the parts, then EmptyUploadException for the completion).
 * None of the scenario's layers was completed anywhere: each check, in the scratch repository and in
 * the second one, must find none of them.
 */
/** What the target made of a call ECR refuses, for a finding's message. */
const itsAnswer = (a: { completed?: boolean }) => (a.completed ? 'this target accepted it' : 'this target refused it too');

export const unfinishedUpload: CaseRule = {
  id: 'metamorphic.unfinished-upload',
  scope: 'case',
  facets: ['never-completed', 'mismatched-digest', 'named-by-manifest', 'completed-through-another-repository', 'parts-through-another-repository', 'checked-in-second-repository'],
  check(xs) {
    const abandoned = xs.find((x) => x.exchange.action?.kind === 'upload-unfinished')?.exchange.action;
    const mismatched = xs.find((x) => x.exchange.action?.kind === 'upload-mismatched')?.exchange.action;
    const named = xs.find((x) => x.exchange.action?.kind === 'put-image-unuploaded')?.exchange.action;
    const crossed = xs.find((x) => x.exchange.action?.kind === 'upload-crossed')?.exchange.action;
    const partsCrossed = xs.find((x) => x.exchange.action?.kind === 'upload-parts-crossed')?.exchange.action;
    const checks = ['after', 'after-elsewhere'].map((label) => step(xs, label)).filter((x): x is View => x !== undefined && answered(x));
    if (checks.length === 0) return [];
    const looked: { digest: string; why: string }[] = [];
    // Which parts of the statement these checks are about, for the evidence (spec/rules.json's facets).
    const facets: string[] = [];
    if (abandoned?.ok && abandoned.digest !== undefined) {
      looked.push({ digest: abandoned.digest, why: `its ${abandoned.size} bytes were sent with UploadLayerPart and the upload never completed` });
      facets.push('never-completed');
    }
    if (mismatched?.ok && mismatched.digest !== undefined && mismatched.claimed !== undefined) {
      looked.push({ digest: mismatched.claimed, why: `no content with this digest was ever sent: CompleteLayerUpload was told it for other content (ECR refuses that completion: InvalidLayerException; ${itsAnswer(mismatched)})` });
      looked.push({ digest: mismatched.digest, why: `its ${mismatched.size} bytes were completed under the digest ${show(mismatched.claimed)}, which does not match them (ECR refuses that completion: InvalidLayerException; ${itsAnswer(mismatched)})` });
      facets.push('mismatched-digest');
    }
    if (named?.ok && named.digest !== undefined) {
      looked.push({ digest: named.digest, why: `it was never uploaded: only an image manifest put with PutImage named it (ECR refuses such a manifest: LayersNotFoundException; ${itsAnswer(named)})` });
      facets.push('named-by-manifest');
    }
    if (crossed?.ok && crossed.digest !== undefined) {
      looked.push({ digest: crossed.digest, why: `its ${crossed.size} bytes were sent to an upload started in ${show(crossed.from)}, and only a CompleteLayerUpload that names ${show(crossed.repositoryName)} completed it (ECR refuses that: UploadNotFoundException, an upload ID is valid for its own repository; ${itsAnswer(crossed)})` });
      facets.push('completed-through-another-repository');
    }
    if (partsCrossed?.ok && partsCrossed.digest !== undefined) {
      looked.push({ digest: partsCrossed.digest, why: `its ${partsCrossed.size} bytes were sent with UploadLayerPart calls naming ${show(partsCrossed.repositoryName)} to an upload started in ${show(partsCrossed.from)}, and that upload was completed there (ECR refuses such parts: UploadNotFoundException, an upload ID is valid for its own repository; and then the completion of an upload without parts: EmptyUploadException; ${itsAnswer(partsCrossed)})` });
      facets.push('parts-through-another-repository');
    }
    if (looked.length === 0) return [];
    if (checks.some((c) => c.exchange.label === 'after-elsewhere')) facets.push('checked-in-second-repository');
    for (const check of checks) {
      const where = show(check.sent.repositoryName);
      if (!ok(check)) return [broken(`after uploads that were never completed, a check of their digests in ${where} got ${check.answer.summary}`)];
      for (const { digest, why } of looked) {
        const got = signature(check, digest);
        if (got.includes('layer:AVAILABLE')) return [broken(`${show(digest)} is AVAILABLE in ${where} (${got}), yet ${why}`)];
      }
    }
    return [held(`${looked.length} digest(s) never uploaded and completed under their own digest are not available (${checks.map((c) => show(c.sent.repositoryName)).join(', ')})`, facets)];
  },
};

export const recreateForgets: CaseRule = {
  id: 'metamorphic.recreate-forgets',
  scope: 'case',
  facets: ['gone-once-deleted', 'kept-in-another-repository', 'forgotten-when-created-again', 'open-upload-forgotten'],
  check(xs) {
    const up = upload(xs, 'stored');
    const deleted = xs.find((x) => x.exchange.action?.kind === 'delete-repository')?.exchange.action;
    const created = xs.find((x) => x.exchange.action?.kind === 'create-repository')?.exchange.action;
    const stored = step(xs, 'stored');
    const recreated = step(xs, 'recreated');
    const gone = xs.find((x) => x.exchange.action?.kind === 'check-deleted')?.exchange.action;
    if (!up || !deleted?.ok || !stored || !ok(stored)) return [];
    const d = up.digest!;
    // The layer must have been there before the delete, or the scenario shows nothing.
    if (!signature(stored, d).includes('layer:AVAILABLE')) return [];
    // A deleted repository is one that does not exist (a soft delete that one query forgets shows here).
    if (gone?.answered !== undefined) return [broken(`after DeleteRepository accepted ${show(deleted.repositoryName)}, a check in it ${gone.detail}; expected ${operationSpec().errors.missingRepository.value}`)];
    // The deletion is of one repository: the same layer stored in another one stays there.
    const other = elsewhere(xs, deleted.repositoryName);
    const kept = step(xs, 'kept-elsewhere');
    const facets = gone?.ok ? ['gone-once-deleted'] : [];
    if (other && kept && answered(kept)) {
      const there = `${show(d)}, stored in ${show(other.repositoryName)} as well as in ${show(deleted.repositoryName)}`;
      if (!ok(kept)) return [broken(`after ${show(deleted.repositoryName)} was deleted, a check in ${show(other.repositoryName)} got ${kept.answer.summary}`)];
      // Whether it is still there; its size is classify.present's to judge (the suite knows what the case stored).
      const still = signature(kept, d);
      if (!still.includes('layer:AVAILABLE')) return [broken(`${there}, is no longer AVAILABLE in ${show(other.repositoryName)} once ${show(deleted.repositoryName)} was deleted: ${still}`)];
      facets.push('kept-in-another-repository');
    }
    if (!created?.ok || !recreated) return [];
    if (!answered(recreated)) return [];
    if (!ok(recreated)) return [broken(`after ${show(deleted.repositoryName)} was deleted and created again, a check in it got ${recreated.answer.summary}`)];
    const now = signature(recreated, d);
    const also = other ? ` (it is stored in ${show(other.repositoryName)} too, which a repository created anew does not share)` : '';
    if (now.includes('layer:AVAILABLE')) return [broken(`${show(d)}, uploaded to ${show(deleted.repositoryName)} before it was deleted and created again, is still AVAILABLE${also}: ${now}`)];
    facets.push('forgotten-when-created-again');
    // An upload left open before the deletion went with the repository's contents: completing it in
    // the repository created again (ECR: UploadNotFoundException) must not make its layer AVAILABLE there.
    const started = xs.find((x) => x.exchange.action?.kind === 'upload-started')?.exchange.action;
    const finish = xs.find((x) => x.exchange.action?.kind === 'complete-started')?.exchange.action;
    const finished = step(xs, 'finished');
    if (started?.ok && started.digest !== undefined && finish?.ok && finished && answered(finished)) {
      if (!ok(finished)) return [broken(`after ${show(deleted.repositoryName)} was deleted and created again, a check in it got ${finished.answer.summary}`)];
      const late = signature(finished, started.digest);
      if (late.includes('layer:AVAILABLE')) {
        return [broken(`${show(started.digest)} is AVAILABLE in the re-created ${show(deleted.repositoryName)} (${late}), yet its ${started.size} bytes were sent to an upload started before the repository was deleted, and completed only after it was created again (ECR deletes a repository's contents with it, so the upload is gone: UploadNotFoundException; ${itsAnswer(finish)})`)];
      }
      facets.push('open-upload-forgotten');
    }
    return [held(`the re-created ${show(deleted.repositoryName)} does not hold the layer of the deleted one (${now})${facets.includes('kept-in-another-repository') ? `; ${show(other!.repositoryName)} kept it` : ''}${facets.includes('open-upload-forgotten') ? '; nor takes an upload started in the deleted one' : ''}`, facets)];
  },
};
