/**
 * Reads an attempt's event iterator so that every read also ends when the attempt's signal is
 * aborted, even if the adapter ignores its signal: the pending read then rejects with
 * `abortError()` (what `CallScope.race` does, per read). One abort listener for the whole
 * attempt instead of one added and removed per event; a read cut off this way is left to
 * settle unobserved (its rejection is handled).
 */
export class GuardedReader<T> {
  #rejectPending: ((error: unknown) => void) | undefined;
  readonly #onAbort = () => {
    const reject = this.#rejectPending;
    this.#rejectPending = undefined;
    reject?.(this.abortError());
  };

  /**
   * @param iterator the attempt's events.
   * @param signal the attempt's signal (it follows the call's).
   * @param abortError the error a read cut off by `signal` rejects with.
   */
  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly signal: AbortSignal,
    private readonly abortError: () => unknown,
  ) {
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The next event, or a rejection with `abortError()` as soon as the signal is aborted. */
  next(): Promise<IteratorResult<T>> {
    if (this.signal.aborted) return Promise.reject(this.abortError());
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.#rejectPending = reject;
      this.iterator.next().then(
        (result) => {
          this.#rejectPending = undefined;
          resolve(result);
        },
        (error: unknown) => {
          this.#rejectPending = undefined;
          reject(error);
        },
      );
    });
  }

  /** Stops listening to the signal (the attempt ended). */
  dispose(): void {
    this.#rejectPending = undefined;
    this.signal.removeEventListener('abort', this.#onAbort);
  }
}
