/** How long a stream may take, after its terminal event, to end its body by itself. */
export const drainBudgetMs = 20;

/** Events read past the terminal event before the drain gives up (a server that keeps talking). */
const maxDrainEvents = 32;

/** How a drain ended: the iterator answered `done`, it threw (finished either way), or the bound ran out. */
export type DrainEnd = 'done' | 'failed' | 'expired';

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
  return (await drainStream(iterator, budgetMs)) !== 'expired';
}

/**
 * {@link drainAfterFinish}, telling a natural end from a failure. One promise and one timer per
 * drain, no `Promise.race` per read: it runs once per stream.
 */
export function drainStream(iterator: AsyncIterator<unknown>, budgetMs: number = drainBudgetMs): Promise<DrainEnd> {
  return new Promise<DrainEnd>((resolve) => {
    let reads = 0;
    let settled = false;
    const end = (how: DrainEnd) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(how);
    };
    const timer = setTimeout(end, budgetMs, 'expired');
    timer.unref?.();
    const onFailure = () => end('failed');
    const onResult = (result: IteratorResult<unknown>) => {
      if (settled) return;
      if (result.done) end('done');
      else if (++reads >= maxDrainEvents) end('expired');
      else read();
    };
    // A read still pending when the budget runs out is left to settle unobserved (its
    // rejection handled by `onFailure`, which then does nothing).
    const read = () => {
      try {
        iterator.next().then(onResult, onFailure);
      } catch {
        onFailure();
      }
    };
    read();
  });
}
