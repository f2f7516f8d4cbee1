import { ConfigurationError } from '../errors/configuration-error.js';
import type { ChatResponse } from '../spec/chat-response.js';
import { createUsage } from '../spec/usage.js';
import type { Candidate } from './candidate.js';
import { estimateUsage } from './estimate-usage.js';
import type { OrchestratorCore } from './orchestrator-core.js';
import { providerRequestFor } from './provider-request-for.js';
import type { RequestContext } from './request-context.js';
import { runChain } from './run-chain.js';
import { toProviderError } from './to-provider-error.js';

const neverAborted = new AbortController().signal;

/** One non-streaming call along the fallback chain. */
export async function sendRequest(core: OrchestratorCore, context: RequestContext): Promise<ChatResponse> {
  const { scope, request } = context;
  try {
    const { value, candidate } = await runChain(core, context, async (candidate: Candidate, attempt: number) => {
      const provider = core.provider(candidate.provider);
      const started = performance.now();
      try {
        const pending = provider.doSend(providerRequestFor(request, candidate, provider.type, scope.signal ?? neverAborted));
        const result = await scope.race(pending, candidate);
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
      } catch (thrown) {
        const error = toProviderError(thrown, candidate, scope);
        if (ConfigurationError.isInstance(error)) throw error;
        const aborted = error.kind === 'aborted';
        core.recorder.record(context, {
          candidate,
          attempt,
          status: aborted ? 'aborted' : 'error',
          // An aborted request may have been billed for its prompt; a refused one reports its own.
          usage: error.usage ?? (aborted ? estimateUsage(request.messages, '') : createUsage()),
          usageSource: error.usage || !aborted ? 'provider' : 'estimated',
          latencyMs: Math.round(performance.now() - started),
          error,
        });
        throw error;
      }
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
    scope.dispose();
  }
}
