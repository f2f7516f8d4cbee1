import { AllFallbacksFailedError } from '../errors/all-fallbacks-failed-error.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { ProviderError } from '../errors/provider-error.js';
import { buildCandidateChain } from './build-candidate-chain.js';
import type { Candidate } from './candidate.js';
import { decideAfterError } from './decide-after-error.js';
import type { OrchestratorCore } from './orchestrator-core.js';
import type { RequestContext } from './request-context.js';
import { toProviderError } from './to-provider-error.js';

/**
 * Runs attempts along the call's candidate chain until one succeeds. `attempt` performs and
 * records one attempt and throws its `ProviderError` on failure; this loop decides from the
 * error's data whether to retry, move on, skip the provider or stop.
 *
 * @throws ProviderError of a kind that stops the chain, or of kind `aborted`/`timeout` when the
 *   call was aborted or ran out of time.
 * @throws AllFallbacksFailedError when every candidate failed (every attempt's error kept).
 * @throws ConfigurationError when a pinned provider is unknown or an SDK is not installed.
 */
export async function runChain<T>(
  core: OrchestratorCore,
  context: RequestContext,
  attempt: (candidate: Candidate, attemptNumber: number) => Promise<T>,
): Promise<{ value: T; candidate: Candidate }> {
  const { candidates, skipped } = buildCandidateChain(core.config, context.request);
  const { scope, requestId } = context;
  const skippedProviders = new Set<string>();
  // A request that names its model asked for it explicitly: it is tried even when deprecated.
  const explicit = context.request.model !== undefined;
  let previous: { candidate: Candidate; error: ProviderError } | undefined;
  let tried = 0;

  for (const candidate of candidates) {
    if (skippedProviders.has(candidate.provider)) continue;
    const skipReason = core.models.skipReason(candidate, explicit);
    if (skipReason !== undefined) {
      skipped.push({ provider: candidate.provider, reason: skipReason });
      continue;
    }
    tried++;
    core.models.beforeAttempt(candidate);
    if (previous) core.events.emit('fallback', { requestId, from: previous.candidate, to: candidate, error: previous.error });
    for (let attemptOnModel = 1; ; attemptOnModel++) {
      if (scope.done) throw scope.error(candidate);
      const attemptNumber = ++context.attemptCount;
      core.events.emit('attempt', { requestId, attempt: attemptNumber, provider: candidate.provider, model: candidate.model });
      let error: ProviderError;
      try {
        const value = await attempt(candidate, attemptNumber);
        core.models.afterSuccess(candidate);
        return { value, candidate };
      } catch (thrown) {
        const normalized = toProviderError(thrown, candidate, scope, core.redact);
        if (ConfigurationError.isInstance(normalized)) throw normalized;
        error = normalized;
      }
      core.models.afterFailure(candidate, error);
      if (scope.done) throw scope.error(candidate);
      const step = decideAfterError(error, attemptOnModel, core.config.retry, core.random);
      if (step.action === 'stop') throw error;
      if (step.action === 'retry') {
        core.events.emit('retry', { requestId, attempt: attemptNumber, ...candidate, delayMs: step.delayMs, error });
        await scope.wait(step.delayMs, candidate);
        continue;
      }
      if (step.action === 'skip-provider') skippedProviders.add(candidate.provider);
      previous = { candidate, error };
      break;
    }
  }

  const reason =
    tried === 0
      ? `No provider can serve this call${skipped.length > 0 ? `: ${skipped.map((s) => `${s.provider} (${s.reason})`).join(', ')}` : ''}`
      : undefined;
  throw new AllFallbacksFailedError(context.attempts, context.errors, reason);
}
