import { ProviderError } from '../errors/provider-error.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { AttemptStatus, ChatResponse, ChatStream, StreamChunk } from '../spec/chat-response.js';
import { CallScope } from './call-scope.js';
import { drainAfterFinish } from './drain-after-finish.js';
import { estimateUsage } from './estimate-usage.js';
import { type OpenedStream, openStream } from './open-stream.js';
import type { OrchestratorCore } from './orchestrator-core.js';
import { RequestContext } from './request-context.js';
import { runChain } from './run-chain.js';
import { toProviderError } from './to-provider-error.js';

interface Settle {
  resolve: (response: ChatResponse) => void;
  reject: (error: unknown) => void;
}

/**
 * One streaming call. Nothing reaches the caller before the first real text, so failures up to
 * then fall back like `send`; after it, a failure ends the stream with `StreamInterruptedError`
 * (a caller's abort with a `ProviderError` of kind `aborted`). A consumer that stops reading
 * (`break`, or `return()` even while a read is pending) aborts the upstream request; the attempt
 * is still recorded with the usage seen. After the terminal event the attempt is read on to
 * its natural end (bounded: see `drainAfterFinish`), so a completed request is not aborted.
 * The call starts when iteration starts.
 *
 * @param onStart called when iteration starts, with the promise that settles when the call ends.
 */
export function streamRequest(core: OrchestratorCore, request: ChatRequest, requestId: string, onStart: (done: Promise<unknown>) => void): ChatStream {
  let settle!: Settle;
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
      const scope = new CallScope({ signal: request.signal, timeoutMs: request.timeoutMs, closable: true });
      const context = new RequestContext(requestId, request, scope);
      const generator = runStream(core, context, settle);
      let started = false;
      onStart(response);
      return {
        next: () => {
          started = true;
          return generator.next();
        },
        return: (value?: unknown) => {
          // Unblocks a read that is still waiting (the generator's return() would queue behind it).
          scope.close();
          if (!started) {
            scope.dispose();
            settle.reject(scope.error({ provider: request.provider ?? core.config.activeProvider, model: request.model ?? core.config.activeModel }));
          }
          return generator.return(value as undefined);
        },
      };
    },
  };
}

async function* runStream(core: OrchestratorCore, context: RequestContext, settle: Settle): AsyncGenerator<StreamChunk, void, undefined> {
  const { scope, request } = context;
  let open: OpenedStream | undefined;
  let outcome: { error: unknown } | { response: ChatResponse } | undefined;
  // The adapter's iterator ended by itself (read past its terminal event): nothing to cancel.
  let drained = false;

  const finishAttempt = (stream: OpenedStream, status: AttemptStatus, error?: ProviderError) => {
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
      outcome = { error };
      throw error;
    }
    const stream = open;
    const { provider, model } = stream.candidate;
    if (stream.text.length > 0) {
      stream.watchdog.pause();
      yield { text: stream.text, provider, model };
      stream.watchdog.resume();
    }

    while (!stream.finish) {
      let failure: unknown;
      try {
        const result = await stream.reader.next();
        if (!result.done) {
          const event = result.value;
          stream.watchdog.onEvent();
          switch (event.type) {
            case 'text-delta':
              if (event.text.length > 0) {
                stream.text += event.text;
                stream.watchdog.pause();
                yield { text: event.text, provider, model };
                stream.watchdog.resume();
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
      stream.watchdog.dispose();
      stream.controller.abort();
      const error = toProviderError(failure, stream.candidate, scope, core.redact) as ProviderError;
      if (error.kind === 'aborted') {
        finishAttempt(stream, 'aborted', error);
        outcome = { error };
        throw error;
      }
      finishAttempt(stream, 'interrupted', error);
      const usage = stream.usage ?? estimateUsage(request.messages, stream.text);
      const interrupted = new StreamInterruptedError({ partialText: stream.text, usage, provider, model, cause: error });
      outcome = { error: interrupted };
      throw interrupted;
    }

    finishAttempt(stream, 'ok');
    outcome = {
      response: {
        content: stream.text,
        provider,
        model,
        usage: stream.usage ?? estimateUsage(request.messages, stream.text),
        cost: context.cost,
        finishReason: stream.finish.finishReason,
        attempts: context.attempts,
        latencyMs: context.elapsedMs(),
        requestId: context.requestId,
      },
    };
    // Read to the body's natural end rather than abort a request that completed (bounded).
    stream.watchdog.dispose();
    drained = await drainAfterFinish(stream.iterator);
    if (!drained) stream.controller.abort();
  } finally {
    open?.watchdog.dispose();
    open?.reader.dispose();
    if (open && !outcome) {
      // The consumer stopped reading (break / return) at a yield: cancel upstream, bill what was seen.
      const error = scope.done ? scope.error(open.candidate) : consumerClosed(open);
      // With a reason: an abort without one builds a DOMException.
      open.controller.abort(error);
      finishAttempt(open, 'aborted', error);
      outcome = { error };
    }
    if (outcome && 'response' in outcome) settle.resolve(outcome.response);
    else settle.reject(outcome?.error ?? consumerClosed(open));
    // Not awaited: an adapter that ignores its signal must not hold the caller here.
    if (!drained) open?.iterator.return?.()?.catch(() => {});
    scope.dispose();
  }
}

function consumerClosed(open: OpenedStream | undefined): ProviderError {
  return new ProviderError({
    provider: open?.candidate.provider ?? 'unknown',
    model: open?.candidate.model ?? 'unknown',
    kind: 'aborted',
    message: 'the stream was closed by its consumer before it completed',
  });
}
