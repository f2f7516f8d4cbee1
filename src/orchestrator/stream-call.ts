import { ProviderError } from '../errors/provider-error.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { AttemptStatus, ChatResponse, StreamChunk } from '../spec/chat-response.js';
import type { ProviderStreamEvent } from '../spec/provider-stream-event.js';
import { type DrainEnd, drainStream } from './drain-after-finish.js';
import { estimateUsage } from './estimate-usage.js';
import { type OpenedStream, openStream } from './open-stream.js';
import type { OrchestratorCore } from './orchestrator-core.js';
import type { RequestContext } from './request-context.js';
import { runChain } from './run-chain.js';
import { toProviderError } from './to-provider-error.js';

/** Settles a stream's `response` promise. */
export interface StreamSettle {
  resolve: (response: ChatResponse) => void;
  reject: (error: unknown) => void;
}

/** How the call ended: its error, or its response. */
type Outcome = { error: unknown } | { response: ChatResponse };

/**
 * The iterator of one streaming call (see `streamRequest`): opens an attempt along the chain on
 * the first `next()`, hands out each non-empty text, then records the attempt, reads it to its
 * natural end (bounded) and settles `response`. A hand-written iterator rather than an async
 * generator: per chunk, one promise for the consumer and one callback per event read, instead
 * of a generator's await and yield steps (the stream's hot path).
 *
 * Behaves as the generator it replaces: calls that overlap (a `return()` while a `next()` is
 * pending) run one after the other; after the end, `next()` answers `done`. Whatever the end
 * (completed, failed, interrupted, aborted, left by its consumer), it is handled once by
 * {@link #end}: the committed attempt recorded, `response` settled, the scope released.
 */
export class StreamCall implements AsyncIterator<StreamChunk> {
  #open: OpenedStream | undefined;
  #outcome: Outcome | undefined;
  /** The adapter's iterator ended by itself (read past its terminal event): nothing to cancel. */
  #drained = false;
  #started = false;
  #ended = false;
  /** Settle the consumer's `next()` waiting for this call (set together, undefined when none waits). */
  #resolvePending: ((result: IteratorResult<StreamChunk>) => void) | undefined;
  #rejectPending: ((error: unknown) => void) | undefined;
  /** Calls made while another was pending, run in order once it settles. */
  #waiting: (() => void)[] | undefined;

  readonly #hold = (resolve: (result: IteratorResult<StreamChunk>) => void, reject: (error: unknown) => void) => {
    this.#resolvePending = resolve;
    this.#rejectPending = reject;
  };
  readonly #onOpened = ({ value }: { value: OpenedStream }) => {
    this.#open = value;
    try {
      if (value.text.length > 0) {
        value.watchdog?.pause();
        this.#deliver(value.text);
      } else this.#complete();
    } catch (thrown) {
      this.#fail(thrown);
    }
  };
  readonly #onOpenFailed = (error: unknown) => {
    this.#outcome = { error };
    this.#end();
  };
  readonly #onEvent = (result: IteratorResult<ProviderStreamEvent>) => {
    try {
      this.#handle(result);
    } catch (thrown) {
      this.#fail(thrown);
    }
  };
  readonly #onReadFailed = (thrown: unknown) => {
    this.#fail(thrown);
  };
  readonly #onDrained = (drain: DrainEnd) => {
    this.#drained = drain !== 'expired';
    // An adapter that failed past its terminal event did not end its request normally: the
    // attempt's signal is aborted (adapters are told they need not do it themselves).
    if (drain !== 'done') this.#open?.abort.abort();
    this.#end();
  };

  constructor(
    private readonly core: OrchestratorCore,
    private readonly context: RequestContext,
    private readonly settle: StreamSettle,
  ) {}

  /** The next chunk; the first call starts the call (attempts along the chain until one commits). */
  next(): Promise<IteratorResult<StreamChunk>> {
    // In call order: behind a pending call and behind the calls already waiting for it.
    if (this.#busy()) return this.#after(() => this.#next());
    return this.#next();
  }

  #next(): Promise<IteratorResult<StreamChunk>> {
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    const result = new Promise<IteratorResult<StreamChunk>>(this.#hold);
    if (!this.#started) {
      this.#started = true;
      const { core, context } = this;
      runChain(core, context, (candidate, attempt) => openStream(core, context, candidate, attempt)).then(this.#onOpened, this.#onOpenFailed);
    } else {
      const stream = this.#open as OpenedStream;
      stream.watchdog?.resume();
      stream.reader.read(this.#onEvent, this.#onReadFailed);
    }
    return result;
  }

  /**
   * The consumer stopped reading. The caller (`streamRequest`) closes the scope first, which
   * cuts a read still pending; a call not started yet ends here without an attempt.
   */
  return(value?: unknown): Promise<IteratorResult<StreamChunk>> {
    if (this.#started && this.#busy()) return this.#after(() => this.#return(value));
    return this.#return(value);
  }

  #busy(): boolean {
    return this.#resolvePending !== undefined || (this.#waiting !== undefined && this.#waiting.length > 0);
  }

  #return(value?: unknown): Promise<IteratorResult<StreamChunk>> {
    if (!this.#started) {
      this.#started = true;
      this.#ended = true;
      const { core, context } = this;
      const { request, scope } = context;
      scope.dispose();
      this.settle.reject(scope.error({ provider: request.provider ?? core.config.activeProvider, model: request.model ?? core.config.activeModel }));
      return Promise.resolve({ done: true, value });
    }
    // Left at a chunk: the attempt is cancelled and recorded as aborted by #end.
    if (!this.#ended) this.#end();
    return Promise.resolve({ done: true, value });
  }

  #handle(result: IteratorResult<ProviderStreamEvent>): void {
    const stream = this.#open as OpenedStream;
    if (result.done) {
      const { provider, model } = stream.candidate;
      this.#fail(new ProviderError({ provider, model, kind: 'network', message: 'the stream ended without its terminal event' }));
      return;
    }
    const event = result.value;
    const { watchdog } = stream;
    watchdog?.onEvent();
    switch (event.type) {
      case 'text-delta':
        if (event.text.length > 0) {
          stream.text += event.text;
          watchdog?.pause();
          this.#deliver(event.text);
          return;
        }
        break;
      case 'usage':
        stream.usage = event.usage;
        break;
      case 'finish':
        stream.finish = event;
        this.#complete();
        return;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown stream event ${JSON.stringify(unreachable)}`);
      }
    }
    stream.reader.read(this.#onEvent, this.#onReadFailed);
  }

  /** Hands a chunk to the consumer's pending `next()`. */
  #deliver(text: string): void {
    const { provider, model } = (this.#open as OpenedStream).candidate;
    this.#settlePending({ value: { text, provider, model }, done: false });
  }

  /** The attempt failed after commit: an abort ends the call as such, anything else interrupts it. */
  #fail(failure: unknown): void {
    if (this.#ended) return;
    const stream = this.#open as OpenedStream;
    const { core, context } = this;
    stream.watchdog?.dispose();
    stream.abort.abort();
    const error = toProviderError(failure, stream.candidate, context.scope, core.redact) as ProviderError;
    if (error.kind === 'aborted') {
      finishAttempt(core, context, stream, 'aborted', error);
      this.#outcome = { error };
    } else {
      finishAttempt(core, context, stream, 'interrupted', error);
      const usage = stream.usage ?? estimateUsage(context.request.messages, stream.text);
      const { provider, model } = stream.candidate;
      this.#outcome = { error: new StreamInterruptedError({ partialText: stream.text, usage, provider, model, cause: error }) };
    }
    this.#end();
  }

  /** The terminal event arrived: record, then read to the body's natural end rather than abort a request that completed (bounded). */
  #complete(): void {
    if (this.#ended) return;
    const stream = this.#open as OpenedStream;
    const { core, context } = this;
    const { candidate } = stream;
    try {
      finishAttempt(core, context, stream, 'ok');
      this.#outcome = {
        response: {
          content: stream.text,
          provider: candidate.provider,
          model: candidate.model,
          usage: stream.usage ?? estimateUsage(context.request.messages, stream.text),
          cost: context.cost,
          finishReason: (stream.finish as NonNullable<OpenedStream['finish']>).finishReason,
          attempts: context.attempts,
          latencyMs: context.elapsedMs(),
          requestId: context.requestId,
        },
      };
      stream.watchdog?.dispose();
    } catch (error) {
      this.#end(error);
      return;
    }
    drainStream(stream.iterator).then(this.#onDrained);
  }

  /**
   * Ends the call, once: what the generator's `finally` did. A committed attempt still open
   * (the consumer left at a chunk) is cancelled and recorded as aborted; `response` is settled;
   * the adapter's iterator is returned unless it ended by itself; the scope is released. Then
   * the pending `next()` gets `done`, or the call's error.
   *
   * @param thrown an unexpected error to reject the pending call with instead.
   */
  #end(thrown?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    const { context, settle } = this;
    const { scope } = context;
    const open = this.#open;
    let outcome = this.#outcome;
    open?.watchdog?.dispose();
    open?.reader.dispose();
    if (open && !outcome) {
      // The consumer stopped reading (break / return) at a chunk: cancel upstream, bill what was seen.
      const error = scope.done ? scope.error(open.candidate) : consumerClosed(open);
      // With a reason: an abort without one builds a DOMException.
      open.abort.abort(error);
      finishAttempt(this.core, context, open, 'aborted', error);
      outcome = { error };
      this.#outcome = outcome;
    }
    if (outcome && 'response' in outcome) settle.resolve(outcome.response);
    else settle.reject(outcome?.error ?? consumerClosed(open));
    // Not awaited: an adapter that ignores its signal must not hold the caller here.
    if (!this.#drained) {
      try {
        open?.iterator.return?.()?.catch(() => {});
      } catch {
        // An adapter whose return() throws: it is left as it is.
      }
    }
    scope.dispose();
    if (thrown !== undefined) this.#failPending(thrown);
    else if (outcome && 'error' in outcome) this.#failPending(outcome.error);
    else this.#settlePending({ done: true, value: undefined });
  }

  #settlePending(result: IteratorResult<StreamChunk>): void {
    const resolve = this.#resolvePending;
    this.#resolvePending = undefined;
    this.#rejectPending = undefined;
    resolve?.(result);
    this.#runWaiting();
  }

  #failPending(error: unknown): void {
    const reject = this.#rejectPending;
    this.#resolvePending = undefined;
    this.#rejectPending = undefined;
    reject?.(error);
    this.#runWaiting();
  }

  /** A call made while another is pending: it runs once that one settled. */
  #after(call: () => Promise<IteratorResult<StreamChunk>>): Promise<IteratorResult<StreamChunk>> {
    return new Promise<IteratorResult<StreamChunk>>((resolve, reject) => {
      (this.#waiting ??= []).push(() => {
        call().then(resolve, reject);
        // A call answered at once (after the end, or a return) leaves nothing pending to run the next one.
        if (this.#resolvePending === undefined) this.#runWaiting();
      });
    });
  }

  #runWaiting(): void {
    if (this.#waiting !== undefined && this.#waiting.length > 0) queueMicrotask(this.#runNextWaiting);
  }

  /** Runs the oldest waiting call, taken from the queue only now (a call made meanwhile queues behind it). */
  readonly #runNextWaiting = () => {
    // A call already pending runs the next one when it settles.
    if (this.#resolvePending !== undefined) return;
    this.#waiting?.shift()?.();
  };
}

/** Records a committed stream attempt's end, with the usage seen (estimated when the provider sent none). */
function finishAttempt(core: OrchestratorCore, context: RequestContext, stream: OpenedStream, status: AttemptStatus, error?: ProviderError): void {
  const { usage } = stream;
  core.recorder.record(context, {
    candidate: stream.candidate,
    attempt: stream.attempt,
    status,
    usage: usage ?? estimateUsage(context.request.messages, stream.text),
    usageSource: usage ? 'provider' : 'estimated',
    latencyMs: Math.round(performance.now() - stream.startedAt),
    error,
  });
}

function consumerClosed(open: OpenedStream | undefined): ProviderError {
  return new ProviderError({
    provider: open?.candidate.provider ?? 'unknown',
    model: open?.candidate.model ?? 'unknown',
    kind: 'aborted',
    message: 'the stream was closed by its consumer before it completed',
  });
}
