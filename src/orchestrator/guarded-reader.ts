import { raceAbort } from '../internal/race-abort.js';
import type { AttemptAbort } from '../internal/attempt-abort.js';

/**
 * Reads an attempt's event iterator so that every read also ends when the attempt is aborted,
 * even if the adapter ignores its signal: the pending read then rejects with `abortError()`
 * (what `CallScope.race` does, per read). One abort listener for the whole attempt (on the
 * {@link AttemptAbort} itself, no `EventTarget`) instead of one added and removed per event,
 * and the callbacks of a read are made once per attempt for {@link read}; a read cut off this
 * way is left to settle unobserved (its rejection is handled).
 */
export class GuardedReader<T> {
  #resolvePending: ((result: IteratorResult<T>) => void) | undefined;
  #rejectPending: ((error: unknown) => void) | undefined;
  /** The callbacks of a {@link read} in progress. */
  #onReadResult: ((result: IteratorResult<T>) => void) | undefined;
  #onReadError: ((error: unknown) => void) | undefined;
  readonly #onAbort = () => {
    const reject = this.#rejectPending;
    this.#resolvePending = undefined;
    this.#rejectPending = undefined;
    reject?.(this.abortError());
    const onError = this.#onReadError;
    if (onError !== undefined) {
      this.#onReadResult = undefined;
      this.#onReadError = undefined;
      const error = this.abortError();
      // Called from a microtask, as a rejected read would be, not inside whoever called abort().
      queueMicrotask(() => onError(error));
    }
  };
  readonly #readResult = (result: IteratorResult<T>) => {
    const onResult = this.#onReadResult;
    this.#onReadResult = undefined;
    this.#onReadError = undefined;
    onResult?.(result);
  };
  readonly #readError = (error: unknown) => {
    const onError = this.#onReadError;
    this.#onReadResult = undefined;
    this.#onReadError = undefined;
    onError?.(error);
  };

  /**
   * @param iterator the attempt's events.
   * @param attempt the attempt's abort (it follows the call's).
   * @param abortError the error a read cut off by the abort rejects with.
   */
  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly attempt: AttemptAbort,
    private readonly abortError: () => unknown,
  ) {
    attempt.listen(this.#onAbort);
  }

  /** The next event, or a rejection with `abortError()` as soon as the attempt is aborted. */
  next(): Promise<IteratorResult<T>> {
    if (this.attempt.aborted) return Promise.reject(this.abortError());
    // Reads are sequential; one asked while another is pending is guarded on its own.
    if (this.#resolvePending !== undefined) return this.#overlappingRead();
    // Callbacks per read here (an attempt's first few reads, before its first text); the
    // stream's hot loop uses `read`, whose callbacks are made once.
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.#resolvePending = resolve;
      this.#rejectPending = reject;
      const settled = () => {
        this.#resolvePending = undefined;
        this.#rejectPending = undefined;
      };
      // A read cut off by the signal settles later into a resolve or reject that does nothing.
      this.#pull().then(
        (result) => {
          settled();
          resolve(result);
        },
        (error: unknown) => {
          settled();
          reject(error);
        },
      );
    });
  }

  /**
   * {@link next} with callbacks instead of a promise of its own (the stream's hot loop): exactly
   * one of them is called, from a microtask, with the event, the iterator's error, or
   * `abortError()` as soon as the attempt is aborted. One read at a time.
   */
  read(onResult: (result: IteratorResult<T>) => void, onError: (error: unknown) => void): void {
    if (this.attempt.aborted) {
      const error = this.abortError();
      queueMicrotask(() => onError(error));
      return;
    }
    this.#onReadResult = onResult;
    this.#onReadError = onError;
    this.#pull().then(this.#readResult, this.#readError);
  }

  /** Stops listening to the abort (the attempt ended); a read still pending settles as its iterator does. */
  dispose(): void {
    this.attempt.unlisten(this.#onAbort);
  }

  /** A read asked while another is pending (callers read one at a time): guarded on its own (rare: it makes the signal). */
  #overlappingRead(): Promise<IteratorResult<T>> {
    return raceAbort(this.#pull(), this.attempt.signal, this.abortError);
  }

  /**
   * The iterator's next read as a promise: a synchronous throw becomes a rejection, and a plain
   * result (an iterator that breaks the protocol) a resolved promise. `Promise.resolve` gives a
   * native promise back as it is, so the usual read costs nothing more.
   */
  #pull(): Promise<IteratorResult<T>> {
    try {
      return Promise.resolve(this.iterator.next());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
