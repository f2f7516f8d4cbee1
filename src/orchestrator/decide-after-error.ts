import type { NormalizedConfig } from '../config/normalized-config.js';
import type { ProviderError } from '../errors/provider-error.js';

/** What the chain does after a failed attempt. */
export type NextStep =
  | { action: 'retry'; delayMs: number }
  | { action: 'next-model' }
  | { action: 'skip-provider' }
  | { action: 'stop' };

/**
 * Decides from the error's data (`kind`, `retryable`, `retryAfterMs`), never its message:
 * - `invalid_request`, `content_filter`, `aborted`: stop, the error is thrown as is;
 * - `auth`, `quota`: the rest of that provider is skipped;
 * - retryable errors: the same model again, up to `retry.maxAttempts` attempts, after the
 *   provider's retry-after (when it is at most `retry.maxRetryAfterMs`; a longer one moves on)
 *   or exponential backoff with full jitter;
 * - everything else (`not_found`, `context_length`, `unknown`, retries used up): next model.
 *
 * @param attemptOnModel attempts made on this model so far, the failed one included.
 */
export function decideAfterError(
  error: ProviderError,
  attemptOnModel: number,
  retry: NormalizedConfig['retry'],
  random: () => number = Math.random,
): NextStep {
  switch (error.kind) {
    case 'invalid_request':
    case 'content_filter':
    case 'aborted':
      return { action: 'stop' };
    case 'auth':
    case 'quota':
      return { action: 'skip-provider' };
    case 'rate_limit':
    case 'server':
    case 'overloaded':
    case 'timeout':
    case 'network':
    case 'not_found':
    case 'context_length':
    case 'unknown':
      break;
    default: {
      // A kind this version does not know (a user adapter, another copy of the package): as
      // `unknown`, next model, unless it says it is retryable.
      const unknownKind: never = error.kind;
      void unknownKind;
      break;
    }
  }
  if (!error.retryable || attemptOnModel >= retry.maxAttempts) return { action: 'next-model' };
  if (error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > retry.maxRetryAfterMs) return { action: 'next-model' };
    return { action: 'retry', delayMs: Math.max(0, error.retryAfterMs) };
  }
  return { action: 'retry', delayMs: computeBackoffDelay(attemptOnModel, retry, random) };
}

/** Exponential backoff with full jitter: uniform in [0, min(maxDelayMs, initialDelayMs * 2^(n-1))). */
export function computeBackoffDelay(attemptOnModel: number, retry: NormalizedConfig['retry'], random: () => number = Math.random): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** Math.max(0, attemptOnModel - 1));
  return Math.floor(random() * ceiling);
}
