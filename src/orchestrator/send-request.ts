import { ConfigurationError } from '../errors/configuration-error.js';
import type { ChatResponse } from '../spec/chat-response.js';
import type { ProviderResult } from '../spec/provider-result.js';
import type { Candidate } from './candidate.js';
import { estimateUsage } from './estimate-usage.js';
import { failedAttemptUsage } from './failed-attempt-usage.js';
import type { OrchestratorCore } from './orchestrator-core.js';
import { providerRequestFor } from './provider-request-for.js';
import type { RequestContext } from './request-context.js';
import { runChain } from './run-chain.js';
import { toProviderError } from './to-provider-error.js';

/**
 * One non-streaming call along the fallback chain.
 *
 * @param ended called once the call is over, whatever the outcome (after its records).
 */
export async function sendRequest(core: OrchestratorCore, context: RequestContext, ended?: () => void): Promise<ChatResponse> {
  const { scope, request } = context;
  try {
    const { value, candidate } = await runChain(core, context, async (candidate: Candidate, attempt: number) => {
      const started = performance.now();
      let result: ProviderResult;
      try {
        const provider = core.provider(candidate.provider);
        // Without a caller signal or deadline nothing can abort the attempt: its signal is then
        // one of its own, made only if the adapter reads it (SDKs add listeners to it), and the
        // adapter is told it may leave it out.
        const signal = scope.signal;
        result = await scope.race(provider.doSend(providerRequestFor(request, candidate, provider.type, signal, signal === undefined)), candidate);
      } catch (thrown) {
        const error = toProviderError(thrown, candidate, scope, core.redact);
        if (ConfigurationError.isInstance(error)) throw error;
        core.recorder.record(context, {
          candidate,
          attempt,
          status: error.kind === 'aborted' ? 'aborted' : 'error',
          ...failedAttemptUsage(error, scope, request.messages),
          latencyMs: Math.round(performance.now() - started),
          error,
        });
        throw error;
      }
      const usage = result.usage ?? estimateUsage(request.messages, result.content);
      core.recorder.record(context, {
        candidate,
        attempt,
        status: 'ok',
        usage,
        usageSource: result.usage ? 'provider' : 'estimated',
        latencyMs: Math.round(performance.now() - started),
      });
      return { result, usage };
    });
    return {
      content: value.result.content,
      provider: candidate.provider,
      model: candidate.model,
      usage: value.usage,
      cost: context.cost,
      finishReason: value.result.finishReason,
      attempts: context.attempts,
      latencyMs: context.elapsedMs(),
      requestId: context.requestId,
    };
  } finally {
    try {
      scope.dispose();
    } finally {
      ended?.();
    }
  }
}
