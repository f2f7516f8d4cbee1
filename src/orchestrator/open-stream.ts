import { ConfigurationError } from '../errors/configuration-error.js';
import { ProviderError } from '../errors/provider-error.js';
import type { FinishReason } from '../spec/finish-reason.js';
import type { ProviderStreamEvent } from '../spec/provider-stream-event.js';
import type { Usage } from '../spec/usage.js';
import type { Candidate } from './candidate.js';
import { failedAttemptUsage } from './failed-attempt-usage.js';
import type { OrchestratorCore } from './orchestrator-core.js';
import { providerRequestFor } from './provider-request-for.js';
import type { RequestContext } from './request-context.js';
import { toProviderError } from './to-provider-error.js';

/** A stream attempt that got past the commit boundary: its first text arrived (or it finished empty). */
export interface OpenedStream {
  candidate: Candidate;
  attempt: number;
  iterator: AsyncIterator<ProviderStreamEvent>;
  /** Aborts this attempt alone (a consumer that stopped reading). */
  controller: AbortController;
  startedAt: number;
  /** All text received so far; at commit, the first piece (empty if the stream finished without text). */
  text: string;
  usage: Usage | undefined;
  finish: { finishReason: FinishReason; responseModel?: string } | undefined;
}

/**
 * Opens a stream attempt and reads until its first real text: usage events are kept, nothing
 * reaches the caller yet, so any failure up to here (an in-band error, a cut connection, a
 * stream that ends without text or terminal event) is an ordinary failed attempt that falls back.
 * A failed attempt is recorded here; a committed one is recorded by whoever ends it.
 */
export async function openStream(core: OrchestratorCore, context: RequestContext, candidate: Candidate, attempt: number): Promise<OpenedStream> {
  const { scope, request } = context;
  const controller = new AbortController();
  const signal = scope.signal ? AbortSignal.any([scope.signal, controller.signal]) : controller.signal;
  const startedAt = performance.now();
  let iterator: AsyncIterator<ProviderStreamEvent> | undefined;
  let usage: Usage | undefined;
  try {
    const provider = core.provider(candidate.provider);
    iterator = provider.doStream(providerRequestFor(request, candidate, provider.type, signal))[Symbol.asyncIterator]();
    for (;;) {
      const result = await scope.race(iterator.next(), candidate);
      if (result.done) {
        throw new ProviderError({
          provider: candidate.provider,
          model: candidate.model,
          kind: 'network',
          message: 'the stream ended before any text and without its terminal event',
        });
      }
      const event = result.value;
      switch (event.type) {
        case 'usage':
          usage = event.usage;
          break;
        case 'text-delta':
          if (event.text.length > 0) {
            return { candidate, attempt, iterator, controller, startedAt, text: event.text, usage, finish: undefined };
          }
          break;
        case 'finish':
          return { candidate, attempt, iterator, controller, startedAt, text: '', usage, finish: event };
        default: {
          const unreachable: never = event;
          throw new Error(`unknown stream event ${JSON.stringify(unreachable)}`);
        }
      }
    }
  } catch (thrown) {
    controller.abort();
    iterator?.return?.()?.catch(() => {});
    const error = toProviderError(thrown, candidate, scope, core.redact);
    if (ConfigurationError.isInstance(error)) throw error;
    core.recorder.record(context, {
      candidate,
      attempt,
      status: error.kind === 'aborted' ? 'aborted' : 'error',
      ...failedAttemptUsage(error, scope, request.messages, { usage }),
      latencyMs: Math.round(performance.now() - startedAt),
      error,
    });
    throw error;
  }
}
