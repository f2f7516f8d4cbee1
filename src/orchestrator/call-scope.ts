import { ProviderError } from '../errors/provider-error.js';
import { sleep } from '../internal/sleep.js';
import type { Candidate } from './candidate.js';

const aborted = Symbol('aborted');

/**
 * The life of one call: the caller's `signal` and the `timeoutMs` deadline folded into one
 * signal that every attempt, backoff wait and stream read listens to.
 */
export class CallScope {
  readonly signal: AbortSignal | undefined;
  readonly #controller: AbortController | undefined;
  readonly #userSignal: AbortSignal | undefined;
  readonly #timeoutMs: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #cause: 'aborted' | 'timeout' | undefined;
  #abortedPromise: Promise<typeof aborted> | undefined;
  readonly #onUserAbort = () => this.#finish('aborted');

  constructor(userSignal?: AbortSignal, timeoutMs?: number) {
    this.#userSignal = userSignal;
    this.#timeoutMs = timeoutMs;
    if (!userSignal && timeoutMs === undefined) return;
    this.#controller = new AbortController();
    this.signal = this.#controller.signal;
    if (userSignal?.aborted) {
      this.#finish('aborted');
      return;
    }
    userSignal?.addEventListener('abort', this.#onUserAbort, { once: true });
    if (timeoutMs !== undefined) {
      this.#timer = setTimeout(() => this.#finish('timeout'), timeoutMs);
      this.#timer.unref?.();
    }
  }

  /** Whether the caller aborted or the deadline passed. */
  get done(): boolean {
    return this.#cause !== undefined;
  }

  /** The error that ends the call now that it is done (`aborted` or `timeout`), at `candidate`. */
  error(candidate: Candidate): ProviderError {
    if (this.#cause === 'timeout') {
      return new ProviderError({
        provider: candidate.provider,
        model: candidate.model,
        kind: 'timeout',
        retryable: false,
        message: `the call's deadline of ${this.#timeoutMs} ms passed`,
      });
    }
    return new ProviderError({
      provider: candidate.provider,
      model: candidate.model,
      kind: 'aborted',
      message: 'the call was aborted by the caller',
      cause: this.#userSignal?.reason,
    });
  }

  /**
   * Settles with `promise`, or rejects with the scope's error as soon as the scope is done, so an
   * adapter that ignores its signal cannot hold the call past its deadline.
   */
  race<T>(promise: Promise<T>, candidate: Candidate): Promise<T> {
    if (!this.signal) return promise;
    if (this.done) {
      promise.catch(() => {});
      return Promise.reject(this.error(candidate));
    }
    this.#abortedPromise ??= new Promise((resolve) => this.signal?.addEventListener('abort', () => resolve(aborted), { once: true }));
    return Promise.race([promise, this.#abortedPromise]).then((value) => {
      if (value === aborted) {
        promise.catch(() => {});
        throw this.error(candidate);
      }
      return value as T;
    });
  }

  /** Waits for a backoff delay; rejects with the scope's error if the call ends meanwhile. */
  async wait(ms: number, candidate: Candidate): Promise<void> {
    try {
      await sleep(ms, this.signal);
    } catch {
      throw this.error(candidate);
    }
  }

  /** Releases the timer and the listener on the caller's signal. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#userSignal?.removeEventListener('abort', this.#onUserAbort);
  }

  #finish(cause: 'aborted' | 'timeout'): void {
    if (this.#cause) return;
    this.#cause = cause;
    if (this.#timer) clearTimeout(this.#timer);
    this.#controller?.abort(cause === 'aborted' ? this.#userSignal?.reason : new Error('deadline passed'));
  }
}
