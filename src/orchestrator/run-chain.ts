import { AllFallbacksFailedError } from '../errors/all-fallbacks-failed-error.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { ProviderError } from '../errors/provider-error.js';
import { buildCandidateChain, type CandidateChain } from './build-candidate-chain.js';
import type { Candidate } from './candidate.js';
import type { AttemptVerdict } from './circuit-breaker.js';
import { decideAfterError } from './decide-after-error.js';
import type { OrchestratorCore } from './orchestrator-core.js';
import type { RequestContext } from './request-context.js';
import { toProviderError } from './to-provider-error.js';

/** A candidate skipped because its circuit is open; `until` undefined: another call's trial is in flight. */
interface Cooling {
  candidate: Candidate;
  until: number | undefined;
}

/** A provider left out of a call, with the reason. */
type Skip = CandidateChain['skipped'][number];

/** The verdicts that carry no data, shared (the breaker only reads them). */
const unknownVerdict: AttemptVerdict = Object.freeze({ ok: 'unknown' });
const okVerdict: AttemptVerdict = Object.freeze({ ok: true });

/**
 * Runs attempts along the call's candidate chain until one succeeds. `attempt` performs and
 * records one attempt and throws its `ProviderError` on failure; this loop decides from the
 * error's data whether to retry, move on, skip the provider or stop. Candidates cooling down
 * (circuit breaker) are skipped; when every candidate left is, the call waits for the first
 * to recover if that fits its deadline (without one: `retry.max_retry_after_ms`).
 *
 * @throws ProviderError of a kind that stops the chain, or of kind `aborted`/`timeout` when the
 *   call was aborted or ran out of time.
 * @throws AllFallbacksFailedError when every candidate failed (every attempt's error kept), when
 *   the call's attempt budget (`retry.max_total_attempts`) is spent, or when every candidate is
 *   cooling down past what the call can wait.
 * @throws ConfigurationError when a pinned provider is unknown or an SDK is not installed.
 */
export async function runChain<T>(
  core: OrchestratorCore,
  context: RequestContext,
  attempt: (candidate: Candidate, attemptNumber: number) => Promise<T>,
): Promise<{ value: T; candidate: Candidate }> {
  const chain = buildCandidateChain(core.config, context.request);
  const { scope, requestId } = context;
  const { maxTotalAttempts } = core.config.retry;
  // Made when first needed: most calls skip nothing and never wait.
  let skippedProviders: Set<string> | undefined;
  // A request that names its model asked for it explicitly: it is tried even when deprecated.
  const explicit = context.request.model !== undefined;
  let previous: { candidate: Candidate; error: ProviderError } | undefined;
  let tried = 0;
  let waitedMs = 0;
  // The chain's own skips, plus this pass's (a copy made on the first skip of the pass).
  let skipped = chain.skipped;
  // A not_found mark is evidence, not certainty (a 404 can be a passing fault): when the marks
  // alone would leave no candidate, the marked models are tried rather than none.
  let marksWouldEmptyChain: boolean | undefined;
  const ignoreNotFound = () => {
    if (marksWouldEmptyChain === undefined) {
      const codes = chain.candidates.map((candidate) => core.models.inspect(candidate, explicit).skip?.code);
      marksWouldEmptyChain = codes.every((code) => code !== undefined) && codes.includes('model_not_found');
    }
    return marksWouldEmptyChain;
  };

  for (;;) {
    skipped = chain.skipped;
    let cooling: Cooling[] | undefined;
    for (const candidate of chain.candidates) {
      if (skippedProviders?.has(candidate.provider) === true) continue;
      const skipReason = core.models.skipReason(candidate, explicit, ignoreNotFound);
      if (skipReason !== undefined) {
        skipped = withSkip(skipped, chain.skipped, candidate, skipReason);
        continue;
      }
      if (context.attemptCount >= maxTotalAttempts) throw budgetSpent(core, context);
      const admission = core.circuits.admit(candidate);
      if (!admission.admitted) {
        (cooling ??= []).push({ candidate, until: admission.until });
        skipped = withSkip(skipped, chain.skipped, candidate, coolingReason(candidate, admission.until));
        continue;
      }
      tried++;
      // The breaker hears how every admitted attempt ended, whatever path leaves this block
      // (a trial that is never reported would keep its target skipped for good).
      let verdict: AttemptVerdict = unknownVerdict;
      try {
        core.models.beforeAttempt(candidate);
        // Copies: the candidates may be the frozen chain shared by every call of this config.
        if (previous) core.events.emit('fallback', { requestId, from: { ...previous.candidate }, to: { ...candidate }, error: previous.error });
        for (let attemptOnModel = 1; ; attemptOnModel++) {
          if (scope.done) throw scope.error(candidate);
          const attemptNumber = ++context.attemptCount;
          // The payload is built only when someone listens (this runs once per attempt).
          if (core.events.hasListeners('attempt')) {
            context.requestIdShown = true;
            core.events.emit('attempt', { requestId, attempt: attemptNumber, provider: candidate.provider, model: candidate.model });
          }
          let error: ProviderError;
          try {
            const value = await attempt(candidate, attemptNumber);
            core.models.afterSuccess(candidate);
            verdict = okVerdict;
            return { value, candidate };
          } catch (thrown) {
            const normalized = toProviderError(thrown, candidate, scope, core.redact);
            if (ConfigurationError.isInstance(normalized)) throw normalized;
            error = normalized;
          }
          core.models.afterFailure(candidate, error);
          if (scope.done) throw scope.error(candidate);
          verdict = { ok: false, error };
          const step = decideAfterError(error, attemptOnModel, core.config.retry, core.random);
          if (step.action === 'stop') throw error;
          if (step.action === 'retry') {
            if (context.attemptCount >= maxTotalAttempts) throw budgetSpent(core, context);
            // Counted now, so a failure that opens the circuit (or a circuit another call
            // opened, or a failed trial) moves on instead of retrying a target cooling down.
            const mayRetry = !admission.trial && !core.circuits.isOpen(candidate);
            if (mayRetry) {
              core.circuits.report(candidate, admission, verdict);
              verdict = unknownVerdict;
            }
            if (mayRetry && !core.circuits.isOpen(candidate)) {
              core.events.emit('retry', { requestId, attempt: attemptNumber, ...candidate, delayMs: step.delayMs, error });
              await scope.wait(step.delayMs, candidate);
              continue;
            }
          }
          if (step.action === 'skip-provider') (skippedProviders ??= new Set()).add(candidate.provider);
          previous = { candidate, error };
          break;
        }
      } finally {
        core.circuits.report(candidate, admission, verdict);
      }
    }
    if (tried > 0 || cooling === undefined) break;
    // Every candidate left is cooling down: wait for the first recovery if the call can.
    const now = Date.now();
    const first = cooling
      .filter((entry): entry is { candidate: Candidate; until: number } => entry.until !== undefined)
      .sort((left, right) => left.until - right.until)[0];
    const delay = first ? Math.max(0, first.until - now) : undefined;
    const canWait = scope.remainingMs() ?? core.config.retry.maxRetryAfterMs - waitedMs;
    if (!first || delay === undefined || delay > canWait) throw allCoolingDown(context, first, delay);
    await scope.wait(delay, first.candidate);
    waitedMs += delay;
  }

  const reason =
    tried === 0
      ? `No provider can serve this call${skipped.length > 0 ? `: ${skipped.map((s) => `${s.provider} (${s.reason})`).join(', ')}` : ''}`
      : undefined;
  throw new AllFallbacksFailedError(context.attempts, context.errors, reason);
}

/** `skipped` with one more skip; a copy when it is still the chain's own list (shared by every call). */
function withSkip(skipped: Skip[], chainSkipped: Skip[], candidate: Candidate, reason: string): Skip[] {
  const list = skipped === chainSkipped ? [...chainSkipped] : skipped;
  list.push({ provider: candidate.provider, reason });
  return list;
}

function coolingReason(candidate: Candidate, until: number | undefined): string {
  return until === undefined
    ? `${candidate.model} is being probed by another call's trial request after its cool-down`
    : `${candidate.model} is cooling down until ${new Date(until).toISOString()}`;
}

/** Every candidate is cooling down longer than the call can wait (or all are being probed). */
function allCoolingDown(context: RequestContext, first: { candidate: Candidate; until: number } | undefined, delay: number | undefined): AllFallbacksFailedError {
  const reason = first
    ? `Every candidate is cooling down (circuit breaker); the first to recover is ${first.candidate.provider}/${first.candidate.model} at ${new Date(first.until).toISOString()} (in ${delay} ms), later than this call can wait`
    : 'Every candidate is cooling down (circuit breaker) and being probed by trial requests of other calls';
  return new AllFallbacksFailedError(context.attempts, context.errors, reason);
}

/** The call spent its attempt budget: no retry or fallback is left, whatever the chain holds. */
function budgetSpent(core: OrchestratorCore, context: RequestContext): AllFallbacksFailedError {
  const budget = core.config.retry.maxTotalAttempts;
  return new AllFallbacksFailedError(
    context.attempts,
    context.errors,
    `The attempt budget of ${budget} attempt${budget === 1 ? '' : 's'} per call (retry.max_total_attempts) was spent`,
  );
}
