import type { ProviderRequest } from '../spec/provider-request.js';

/** Whatever ends a stream attempt early: the call's scope, a stream deadline, the stream's own end paths. */
export interface AbortTarget {
  abort(reason?: unknown): void;
}

/** What error mapping reads of an abort: an `AbortSignal`, or an {@link AttemptAbort}. */
export interface AbortState {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** Where the orchestrator puts a `streamEndsByReturn` request's {@link AttemptAbort} for our own adapters. */
const attemptAbortKey = Symbol('llm-orchestrator.attemptAbort');

/**
 * The abort of one stream attempt, with its `AbortSignal` made only when something reads
 * {@link signal}. An attempt that only its consumer can end early (no caller signal, no deadline,
 * no stream timeouts) hands its adapter a signal made on first read: our adapters leave it out
 * of the SDK call and listen here instead ({@link attemptAbortOf}), so neither an
 * `AbortController` nor the SDK's abort bookkeeping is paid per stream. The orchestrator's own
 * reader listens here directly ({@link listen}), not through an `EventTarget`.
 */
export class AttemptAbort implements AbortTarget {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;
  #listeners: (() => void)[] | undefined;

  /** The attempt's signal, made now if nothing asked for it yet (aborted already if the attempt is). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  /** Whether the signal was made (tests and diagnostics). */
  get signalMade(): boolean {
    return this.#controller !== undefined;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** What the attempt was aborted with: the reason given, else an `AbortError` as `AbortController.abort()` makes. */
  get reason(): unknown {
    if (this.#aborted && this.#reason === undefined) this.#reason = new DOMException('This operation was aborted', 'AbortError');
    return this.#reason;
  }

  /**
   * Aborts the attempt once: the signal if it was made (its listeners first), then every
   * {@link listen}er. As with an `EventTarget`, a listener that throws neither stops the others
   * nor reaches the caller: its error is thrown again from a microtask.
   */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(this.reason);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Calls `listener` once, when the attempt is aborted (never if it already is). */
  listen(listener: () => void): void {
    if (!this.#aborted) (this.#listeners ??= []).push(listener);
  }

  unlisten(listener: () => void): void {
    const listeners = this.#listeners;
    if (listeners === undefined) return;
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  }
}

/** Attaches `attempt` to a `streamEndsByReturn` request, for {@link attemptAbortOf} (a symbol key: not part of the API). */
export function attachAttemptAbort(request: ProviderRequest, attempt: AttemptAbort): void {
  (request as ProviderRequest & { [attemptAbortKey]?: AttemptAbort })[attemptAbortKey] = attempt;
}

/** The orchestrator's {@link AttemptAbort} of a `streamEndsByReturn` request, when the orchestrator built it. */
export function attemptAbortOf(request: ProviderRequest): AttemptAbort | undefined {
  return (request as ProviderRequest & { [attemptAbortKey]?: AttemptAbort })[attemptAbortKey];
}

/**
 * What tells an adapter of a `streamEndsByReturn` request whether its attempt was left: the
 * {@link AttemptAbort} the orchestrator attached (no signal made), else the request's signal.
 */
export function attemptStateOf(request: ProviderRequest): AttemptAbort | AbortSignal {
  return attemptAbortOf(request) ?? request.signal;
}

/** Calls `cut` once when `attempt` is aborted, at once if it already is. Returns what stops listening. */
export function cutWhenLeft(attempt: AttemptAbort | AbortSignal, cut: () => void): () => void {
  if (attempt.aborted) {
    cut();
    return () => {};
  }
  if (attempt instanceof AttemptAbort) {
    attempt.listen(cut);
    return () => attempt.unlisten(cut);
  }
  attempt.addEventListener('abort', cut, { once: true });
  return () => attempt.removeEventListener('abort', cut);
}
