/**
 * Settles with `promise`, or rejects as soon as `signal` aborts: with `abortError()`, by default
 * the signal's reason. For work that cannot be cancelled itself (an SDK that takes no signal, an
 * adapter that ignores it): the caller stops waiting at once. One listener, removed when
 * `promise` settles; a later rejection of `promise` is swallowed.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, abortError: () => unknown = () => signal.reason): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
