/** How long a stream may take, after its terminal event, to end its body by itself. */
export const drainBudgetMs = 20;

/** Events read past the terminal event before the drain gives up (a server that keeps talking). */
const maxDrainEvents = 32;

/**
 * Reads a stream attempt past its terminal event (`finish`) to its natural end, so the adapter
 * and its SDK finish their request normally instead of aborting a request that already
 * completed (an abort cancels the body and builds a `DOMException` on the way). Events read
 * here are ignored. Bounded: a server that keeps the body open (or keeps sending) after its
 * terminal event gets `budgetMs` in all, then the caller cancels the attempt.
 *
 * @returns `true` when the iterator ended by itself (done, or threw: it is finished either
 *   way), `false` when the budget ran out first (the read left pending is made harmless).
 */
export async function drainAfterFinish(iterator: AsyncIterator<unknown>, budgetMs: number = drainBudgetMs): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), budgetMs);
    timer.unref?.();
  });
  try {
    for (let read = 0; read < maxDrainEvents; read += 1) {
      const next = iterator.next();
      const result = await Promise.race([next, expired]);
      if (result === undefined) {
        next.catch(() => {});
        return false;
      }
      if (result.done) return true;
    }
    return false;
  } catch {
    return true;
  } finally {
    clearTimeout(timer);
  }
}
