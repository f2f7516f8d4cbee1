import { ConfigurationError } from '../errors/configuration-error.js';
import { ProviderError } from '../errors/provider-error.js';
import type { FinishReason } from '../spec/finish-reason.js';
import type { ProviderStreamEvent } from '../spec/provider-stream-event.js';
import type { Usage } from '../spec/usage.js';
import { AttemptAbort } from '../internal/attempt-abort.js';
import type { Candidate } from './candidate.js';
import { failedAttemptUsage } from './failed-attempt-usage.js';
import { GuardedReader } from './guarded-reader.js';
import type { OrchestratorCore } from './orchestrator-core.js';
import { providerRequestFor } from './provider-request-for.js';
import type { RequestContext } from './request-context.js';
import { StreamWatchdog } from './stream-watchdog.js';
import { toProviderError } from './to-provider-error.js';

/** A stream attempt that got past the commit boundary: its first text arrived (or it finished empty). */
export interface OpenedStream {
  candidate: Candidate;
  attempt: number;
  iterator: AsyncIterator<ProviderStreamEvent>;
  /** Aborts this attempt alone (a consumer that stopped reading, a stream deadline); the scope aborts it when the call ends. */
  abort: AttemptAbort;
  /** Reads the attempt's events; every read ends as soon as {@link abort} fires. Disposed by whoever ends it. */
  reader: GuardedReader<ProviderStreamEvent>;
  /**
   * The attempt's idle deadline (the first-chunk one is met at commit). Disposed by whoever ends
   * it. Undefined when the attempt has neither deadline: no timer to keep, nothing to call per event.
   */
  watchdog: StreamWatchdog | undefined;
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
 * A failed attempt is recorded here; a committed one is recorded by whoever ends it. The
 * attempt's deadlines (`firstChunkTimeoutMs`, `idleTimeoutMs`, else the config's `timeouts`)
 * abort it with a `ProviderError` of kind `timeout`, which falls back like any failure here.
 * An attempt that only its consumer can end early (no caller signal, deadline or stream
 * timeout: the common case) tells its adapter so (`streamEndsByReturn`), and its signal is
 * made only if the adapter reads it.
 */
export async function openStream(core: OrchestratorCore, context: RequestContext, candidate: Candidate, attempt: number): Promise<OpenedStream> {
  const { scope, request } = context;
  const abort = new AttemptAbort();
  // Aborted by the scope itself when the call ends: no composite signal, no listener.
  scope.follow(abort);
  const startedAt = performance.now();
  const { timeouts } = core.config;
  const firstChunkTimeoutMs = request.firstChunkTimeoutMs ?? timeouts.firstChunkTimeoutMs;
  const idleTimeoutMs = request.idleTimeoutMs ?? timeouts.idleTimeoutMs;
  // Absent or 0: no limit, so no watchdog at all (the common case).
  const watchdog = firstChunkTimeoutMs || idleTimeoutMs ? new StreamWatchdog(abort, candidate, { firstChunkTimeoutMs, idleTimeoutMs }) : undefined;
  let iterator: AsyncIterator<ProviderStreamEvent> | undefined;
  let reader: GuardedReader<ProviderStreamEvent> | undefined;
  let usage: Usage | undefined;
  try {
    const provider = core.provider(candidate.provider);
    // The signal is this attempt's own and every early end aborts it: the adapter may hand it to
    // its SDK as it is. When only the consumer can end the attempt early, the adapter need not.
    const endsByReturn = watchdog === undefined && scope.quiet;
    iterator = provider.doStream(providerRequestFor(request, candidate, provider.type, endsByReturn ? abort : abort.signal, true))[Symbol.asyncIterator]();
    reader = new GuardedReader(iterator, abort, () => scope.abortError(abort, candidate));
    for (;;) {
      const result = await reader.next();
      if (result.done) {
        throw new ProviderError({
          provider: candidate.provider,
          model: candidate.model,
          kind: 'network',
          message: 'the stream ended before any text and without its terminal event',
        });
      }
      const event = result.value;
      watchdog?.onEvent();
      switch (event.type) {
        case 'usage':
          usage = event.usage;
          break;
        case 'text-delta':
          if (event.text.length > 0) {
            watchdog?.onText();
            return { candidate, attempt, iterator, abort, reader, watchdog, startedAt, text: event.text, usage, finish: undefined };
          }
          break;
        case 'finish':
          watchdog?.dispose();
          return { candidate, attempt, iterator, abort, reader, watchdog, startedAt, text: '', usage, finish: event };
        default: {
          const unreachable: never = event;
          throw new Error(`unknown stream event ${JSON.stringify(unreachable)}`);
        }
      }
    }
  } catch (thrown) {
    watchdog?.dispose();
    reader?.dispose();
    // Aborted before the catch: a stream deadline cut the attempt while the provider worked.
    const cutOff = abort.aborted;
    abort.abort();
    iterator?.return?.()?.catch(() => {});
    const error = toProviderError(thrown, candidate, scope, core.redact);
    if (ConfigurationError.isInstance(error)) throw error;
    core.recorder.record(context, {
      candidate,
      attempt,
      status: error.kind === 'aborted' ? 'aborted' : 'error',
      ...failedAttemptUsage(error, scope, request.messages, { usage, cutOff }),
      latencyMs: Math.round(performance.now() - startedAt),
      error,
    });
    throw error;
  }
}
