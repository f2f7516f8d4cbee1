import { AttemptAbort, attachAttemptAbort } from '../../src/internal/attempt-abort.js';
import type { ProviderRequest } from '../../src/spec/provider-request.js';

/** How a `streamEndsByReturn` request reaches an adapter: built by the orchestrator (its attempt attached), or by hand. */
export const endsByReturnModes = [
  { mode: 'built by the orchestrator (attempt attached)', attached: true },
  { mode: 'built by hand (signal only)', attached: false },
] as const;

/**
 * A stream request for an attempt only its consumer can end early (`streamEndsByReturn`): its
 * signal is the attempt's, made on first read, and the reads are counted. `attached`: the
 * attempt is attached as the orchestrator does, so our adapters need not read the signal.
 */
export function requestEndingByReturn(base: Omit<ProviderRequest, 'signal'>, attached: boolean): { request: ProviderRequest; attempt: AttemptAbort; reads: () => number } {
  const attempt = new AttemptAbort();
  let reads = 0;
  const request = {
    ...base,
    signalPerAttempt: true,
    streamEndsByReturn: true,
    get signal(): AbortSignal {
      reads += 1;
      return attempt.signal;
    },
  } satisfies ProviderRequest;
  if (attached) attachAttemptAbort(request, attempt);
  return { request, attempt, reads: () => reads };
}

/** `promise`'s outcome, or `'still waiting'` after `ms` (a read that should have been cut, and was not). */
export function settledWithin<T>(promise: Promise<T>, ms = 2000): Promise<T | 'still waiting'> {
  return Promise.race([promise, new Promise<'still waiting'>((resolve) => setTimeout(resolve, ms, 'still waiting').unref())]);
}
