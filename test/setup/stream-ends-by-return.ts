import { AttemptAbort } from '../../src/orchestrator/attempt-abort.js';
import type { ProviderRequest } from '../../src/spec/provider-request.js';

/**
 * A stream request as the orchestrator builds it for an attempt only its consumer can end early
 * (`streamEndsByReturn`): its signal is the attempt's, made on first read, and the reads are counted.
 */
export function requestEndingByReturn(base: Omit<ProviderRequest, 'signal'>): { request: ProviderRequest; attempt: AttemptAbort; reads: () => number } {
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
  return { request, attempt, reads: () => reads };
}

/** `promise`'s outcome, or `'still waiting'` after `ms` (a read that should have been cut, and was not). */
export function settledWithin<T>(promise: Promise<T>, ms = 2000): Promise<T | 'still waiting'> {
  return Promise.race([promise, new Promise<'still waiting'>((resolve) => setTimeout(resolve, ms, 'still waiting').unref())]);
}
