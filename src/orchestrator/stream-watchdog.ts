import { ProviderError } from '../errors/provider-error.js';
import type { AttemptAbort } from '../internal/attempt-abort.js';
import type { Candidate } from './candidate.js';

/** The two deadlines of one stream attempt, in milliseconds (absent or 0: no limit). */
export interface StreamLimits {
  firstChunkTimeoutMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
}

/**
 * The deadlines of one stream attempt: time to its first text, and the longest gap between two
 * events (from the first event on). When one passes, the attempt is aborted with a
 * `ProviderError` of kind `timeout` as its reason; whoever reads the stream races its reads
 * against that abort. At most two timers per attempt, re-armed with `refresh()` per event, so
 * a long stream creates no timer per chunk. Time the caller spends holding a chunk
 * ({@link pause} / {@link resume}) does not count as the provider's idle time.
 */
export class StreamWatchdog {
  #firstChunk: NodeJS.Timeout | undefined;
  #idle: NodeJS.Timeout | undefined;
  #paused = false;

  constructor(
    private readonly attempt: Pick<AttemptAbort, 'abort' | 'aborted'>,
    private readonly candidate: Candidate,
    private readonly limits: StreamLimits,
  ) {
    const { firstChunkTimeoutMs } = limits;
    if (firstChunkTimeoutMs) {
      this.#firstChunk = setTimeout(() => this.#fire(`no text within the first-chunk timeout of ${firstChunkTimeoutMs} ms`), firstChunkTimeoutMs);
      this.#firstChunk.unref?.();
    }
  }

  /** An event arrived: the idle deadline starts again. */
  onEvent(): void {
    const { idleTimeoutMs } = this.limits;
    if (!idleTimeoutMs || this.attempt.aborted) return;
    if (this.#idle) {
      this.#idle.refresh();
      return;
    }
    this.#idle = setTimeout(() => {
      if (!this.#paused) this.#fire(`no stream event for the idle timeout of ${idleTimeoutMs} ms`);
    }, idleTimeoutMs);
    this.#idle.unref?.();
  }

  /**
   * The caller holds a chunk: time it takes to ask for the next one is not the provider's gap.
   * Cheap on purpose (a flag): the timer keeps running and is re-armed by {@link resume}.
   */
  pause(): void {
    this.#paused = true;
  }

  /** The caller asks for the next chunk: the idle deadline starts again from now. */
  resume(): void {
    this.#paused = false;
    this.#idle?.refresh();
  }

  /** The first text arrived: the first-chunk deadline is met. */
  onText(): void {
    if (this.#firstChunk) clearTimeout(this.#firstChunk);
    this.#firstChunk = undefined;
  }

  /** Stops both timers (the attempt ended, however). */
  dispose(): void {
    this.onText();
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = undefined;
  }

  #fire(message: string): void {
    this.dispose();
    const { provider, model } = this.candidate;
    // Retryable like any other timeout: the chain retries this model or falls back.
    this.attempt.abort(new ProviderError({ provider, model, kind: 'timeout', retryable: true, message }));
  }
}
