/**
 * What went wrong, as far as retry and fallback care:
 * - retried on the same model, then next model: `rate_limit`, `server`, `overloaded`, `timeout`, `network`
 * - next model: `not_found`, `context_length`, `unknown`
 * - rest of that provider skipped: `auth`, `quota`
 * - the call stops: `invalid_request`, `content_filter`, `aborted`
 */
export type ErrorKind =
  | 'auth'
  | 'rate_limit'
  | 'quota'
  | 'server'
  | 'overloaded'
  | 'timeout'
  | 'network'
  | 'not_found'
  | 'context_length'
  | 'content_filter'
  | 'invalid_request'
  | 'aborted'
  | 'unknown';

const retryableKinds: ReadonlySet<ErrorKind> = new Set(['rate_limit', 'server', 'overloaded', 'timeout', 'network']);

/** Whether an error of this kind is worth another attempt on the same model. */
export function isRetryableKind(kind: ErrorKind): boolean {
  return retryableKinds.has(kind);
}
