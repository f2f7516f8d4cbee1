import { raceAbort } from '../../internal/race-abort.js';

/** Iterates `source`, each step raced against `signal` (see {@link raceAbort}). */
export async function* abortableIterable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    while (true) {
      const next = await raceAbort(iterator.next(), signal);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Not awaited: a generator suspended in `next()` would only answer after its next chunk.
    void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}
