import { ProviderError } from '../errors/provider-error.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { AttemptStatus, ChatResponse, ChatStream, StreamChunk } from '../spec/chat-response.js';
import { CallScope } from './call-scope.js';
import { estimateUsage } from './estimate-usage.js';
import { type OpenedStream, openStream } from './open-stream.js';
import type { OrchestratorCore } from './orchestrator-core.js';
import { RequestContext } from './request-context.js';
import { runChain } from './run-chain.js';
import { toProviderError } from './to-provider-error.js';

/**
 * One streaming call. Nothing reaches the caller before the first real text, so failures up to
 * then fall back like `send`; after it, a failure ends the stream with `StreamInterruptedError`
 * (a caller's abort with a `ProviderError` of kind `aborted`). A consumer that stops reading
 * aborts the upstream request; the attempt is still recorded with the usage seen.
 */
export function streamRequest(core: OrchestratorCore, request: ChatRequest, requestId: string): ChatStream {
  let settle!: { resolve: (response: ChatResponse) => void; reject: (error: unknown) => void };
  const response = new Promise<ChatResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The caller may never await `response`; its rejection must not be unhandled.
  response.catch(() => {});
  let iterated = false;

  return {
    response,
    [Symbol.asyncIterator](): AsyncIterator<StreamChunk> {
      if (iterated) throw new TypeError('A ChatStream can be iterated only once');
      iterated = true;
      const generator = runStream(core, request, requestId, settle);
      let started = false;
      return {
        next: () => {
          started = true;
          return generator.next();
        },
        return: (value?: unknown) => {
          if (!started) {
            settle.reject(closedByConsumer(request, core));
          }
          return generator.return(value as undefined);
        },
      };
    },
  };
}

async function* runStream(
  core: OrchestratorCore,
  request: ChatRequest,
  requestId: string,
  settle: { resolve: (response: ChatResponse) => void; reject: (error: unknown) => void },
): AsyncGenerator<StreamChunk, void, undefined> {
  const scope = new CallScope(request.signal, request.timeoutMs);
  const context = new RequestContext(requestId, request, scope);
  let open: OpenedStream | undefined;
  let ended = false;

  const finishAttempt = (stream: OpenedStream, status: AttemptStatus, error?: ProviderError) => {
    ended = true;
    core.recorder.record(context, {
      candidate: stream.candidate,
      attempt: stream.attempt,
      status,
      usage: stream.usage ?? estimateUsage(request.messages, stream.text),
      usageSource: stream.usage ? 'provider' : 'estimated',
      latencyMs: Math.round(performance.now() - stream.startedAt),
      ...(error ? { error } : {}),
    });
  };

  try {
    try {
      open = (await runChain(core, context, (candidate, attempt) => openStream(core, context, candidate, attempt))).value;
    } catch (error) {
      ended = true;
      settle.reject(error);
      throw error;
    }
    const stream = open;
    const { provider, model } = stream.candidate;
    if (stream.text.length > 0) yield { text: stream.text, provider, model };

    while (!stream.finish) {
      let failure: unknown;
      try {
        const result = await scope.race(stream.iterator.next(), stream.candidate);
        if (!result.done) {
          const event = result.value;
          switch (event.type) {
            case 'text-delta':
              if (event.text.length > 0) {
                stream.text += event.text;
                yield { text: event.text, provider, model };
              }
              continue;
            case 'usage':
              stream.usage = event.usage;
              continue;
            case 'finish':
              stream.finish = event;
              continue;
            default: {
              const unreachable: never = event;
              throw new Error(`unknown stream event ${JSON.stringify(unreachable)}`);
            }
          }
        }
        failure = new ProviderError({ provider, model, kind: 'network', message: 'the stream ended without its terminal event' });
      } catch (thrown) {
        failure = thrown;
      }
      const error = toProviderError(failure, stream.candidate, scope) as ProviderError;
      stream.controller.abort();
      if (error.kind === 'aborted') {
        finishAttempt(stream, 'aborted', error);
        settle.reject(error);
        throw error;
      }
      finishAttempt(stream, 'interrupted', error);
      const usage = stream.usage ?? estimateUsage(request.messages, stream.text);
      const interrupted = new StreamInterruptedError({ partialText: stream.text, usage, provider, model, cause: error });
      settle.reject(interrupted);
      throw interrupted;
    }

    finishAttempt(stream, 'ok');
    settle.resolve({
      content: stream.text,
      provider,
      model,
      usage: stream.usage ?? estimateUsage(request.messages, stream.text),
      cost: context.cost,
      finishReason: stream.finish.finishReason,
      attempts: context.attempts,
      latencyMs: context.elapsedMs(),
      requestId,
    });
  } finally {
    if (open && !ended) {
      // The consumer stopped reading (break / return): cancel upstream, still bill what was seen.
      open.controller.abort();
      const error = closedByConsumer(request, core, open);
      finishAttempt(open, 'aborted', error);
      settle.reject(error);
    }
    // Not awaited: an adapter that ignores its signal must not hold the caller here.
    open?.iterator.return?.()?.catch(() => {});
    scope.dispose();
  }
}

function closedByConsumer(request: ChatRequest, core: OrchestratorCore, open?: OpenedStream): ProviderError {
  return new ProviderError({
    provider: open?.candidate.provider ?? request.provider ?? core.config.activeProvider,
    model: open?.candidate.model ?? request.model ?? core.config.activeModel,
    kind: 'aborted',
    message: 'the stream was closed by its consumer before it completed',
  });
}
