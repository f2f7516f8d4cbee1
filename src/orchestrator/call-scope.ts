import { ProviderError } from '../errors/provider-error.js';
import { raceAbort } from '../internal/race-abort.js';
import { sleep } from '../internal/sleep.js';
import type { AbortTarget } from '../internal/attempt-abort.js';
import type { Candidate } from './candidate.js';

/** What ends a call early: the caller's signal, the deadline, or a stream consumer that left. */
type EndCause = 'aborted' | 'timeout' | 'closed';

/** Options of {@link CallScope}. */
export interface CallScopeOptions {
  /** The caller's signal. */
  signal?: AbortSignal;
  /** Deadline of the whole call. */
  timeoutMs?: number;
  /** A stream: its consumer can end the call with {@link CallScope.close}. */
  closable?: boolean;
}

/**
 * The life of one call: the caller's `signal`, the `timeoutMs` deadline and (for streams) the
 * consumer leaving, folded into one end. A stream attempt's controller {@link follow}s it (aborted
 * directly, no listener); a send races against {@link signal}; backoff waits listen to it. A
 * call that nothing can end early creates no signal at all.
 */
export class CallScope {
  #controller: AbortController | undefined;
  readonly #closable: boolean;
  readonly #userSignal: AbortSignal | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #startedAt = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #cause: EndCause | undefined;
  /** Attempt aborts called directly when the call ends (no listener per attempt). */
  #followers: AbortTarget[] | undefined;
  /** The listener on the caller's signal (made only when there is one). */
  #onUserAbort: (() => void) | undefined;

  constructor(options: CallScopeOptions = {}) {
    this.#userSignal = options.signal;
    this.#timeoutMs = options.timeoutMs;
    this.#closable = options.closable === true;
    // A stream with no caller signal and no deadline can only be closed by its consumer:
    // its signal is created when something asks for it (a backoff wait), most calls never do.
    if (!options.signal && options.timeoutMs === undefined) return;
    this.#controller = new AbortController();
    if (options.signal?.aborted) {
      this.#finish('aborted');
      return;
    }
    if (options.signal) {
      this.#onUserAbort = () => this.#finish('aborted');
      options.signal.addEventListener('abort', this.#onUserAbort, { once: true });
    }
    if (options.timeoutMs !== undefined) {
      this.#timer = setTimeout(() => this.#finish('timeout'), options.timeoutMs);
      this.#timer.unref?.();
    }
  }

  /**
   * Aborted when the call ends early: with a caller signal or a deadline (and, created on
   * demand, for a stream); undefined for a call nothing can end early.
   */
  get signal(): AbortSignal | undefined {
    if (this.#controller === undefined && this.#closable) {
      this.#controller = new AbortController();
      if (this.#cause) this.#controller.abort(this.#reason());
    }
    return this.#controller?.signal;
  }

  /**
   * Whether only a stream's consumer can end this call early: no caller signal, no deadline.
   */
  get quiet(): boolean {
    return this.#userSignal === undefined && this.#timeoutMs === undefined;
  }

  /**
   * Makes `controller` (one attempt's) abort, with the call's reason, when the call ends early;
   * at once when it already has. Cheaper than linking signals: no listener, no composite signal.
   */
  follow(controller: AbortTarget): void {
    if (this.#cause) {
      controller.abort(this.#reason());
      return;
    }
    (this.#followers ??= []).push(controller);
  }

  /** Whether the call was ended early (caller's abort, deadline, consumer gone). */
  get done(): boolean {
    return this.#cause !== undefined;
  }

  /** Ends the call because its consumer stopped reading. */
  close(): void {
    this.#finish('closed');
  }

  /** The error that ends the call now that it is done (`aborted` or `timeout`), at `candidate`. */
  error(candidate: Candidate): ProviderError {
    const { provider, model } = candidate;
    switch (this.#cause) {
      case 'timeout':
        return new ProviderError({ provider, model, kind: 'timeout', retryable: false, message: `the call's deadline of ${this.#timeoutMs} ms passed` });
      case 'closed':
        return new ProviderError({ provider, model, kind: 'aborted', message: 'the stream was closed by its consumer before it completed' });
      default:
        return new ProviderError({ provider, model, kind: 'aborted', message: 'the call was aborted by the caller', cause: this.#userSignal?.reason });
    }
  }

  /**
   * Settles with `promise`, or rejects with the scope's error as soon as the scope is done, so an
   * adapter that ignores its signal cannot hold the call past its deadline. The abort listener is
   * removed when `promise` settles, so a long stream does not pile up listeners.
   *
   * @param signal what to race against: the scope's signal (default), or an attempt's signal
   *   that also follows the scope's; when it is aborted while the scope is not done, the
   *   rejection is its reason (a stream deadline's `ProviderError`).
   */
  race<T>(promise: Promise<T>, candidate: Candidate, signal: AbortSignal | undefined = this.signal): Promise<T> {
    if (!signal) return promise;
    return raceAbort(promise, signal, () => this.#abortError(signal, candidate));
  }

  /** Milliseconds left before the deadline, or undefined when the call has none. */
  remainingMs(): number | undefined {
    if (this.#timeoutMs === undefined) return undefined;
    return Math.max(0, this.#timeoutMs - (Date.now() - this.#startedAt));
  }

  /** Waits for a backoff delay; rejects with the scope's error if the call ends meanwhile. */
  async wait(ms: number, candidate: Candidate): Promise<void> {
    try {
      await sleep(ms, this.signal);
    } catch {
      throw this.error(candidate);
    }
  }

  /** Releases the timer, the listener on the caller's signal and the attempts it follows. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#onUserAbort) this.#userSignal?.removeEventListener('abort', this.#onUserAbort);
    this.#followers = undefined;
  }

  /**
   * The error for a read cut by `signal` (an attempt's, following this scope): the scope's
   * error when the call ended, else the signal's reason when it is a `ProviderError` (a stream
   * deadline), else kind `aborted`.
   */
  abortError(signal: { readonly reason: unknown }, candidate: Candidate): ProviderError {
    return this.#abortError(signal, candidate);
  }

  #abortError(signal: { readonly reason: unknown }, candidate: Candidate): ProviderError {
    if (this.done) return this.error(candidate);
    if (ProviderError.isInstance(signal.reason)) return signal.reason;
    const { provider, model } = candidate;
    return new ProviderError({ provider, model, kind: 'aborted', message: 'the attempt was aborted', cause: signal.reason });
  }

  #finish(cause: EndCause): void {
    if (this.#cause) return;
    this.#cause = cause;
    if (this.#timer) clearTimeout(this.#timer);
    const reason = this.#reason();
    this.#controller?.abort(reason);
    const followers = this.#followers;
    this.#followers = undefined;
    if (followers) for (const follower of followers) follower.abort(reason);
  }

  #reason(): unknown {
    return this.#cause === 'aborted' ? this.#userSignal?.reason : new Error(this.#cause === 'timeout' ? 'deadline passed' : 'consumer closed the stream');
  }
}
