import { ConfigurationError } from '../errors/configuration-error.js';
import { ProviderError } from '../errors/provider-error.js';
import type { Candidate } from './candidate.js';
import type { CallScope } from './call-scope.js';

/**
 * What an attempt threw, as a `ProviderError`. When the call was aborted or ran out of time,
 * that is the error, whatever the adapter reported. A value that is not a `ProviderError`
 * (a user-supplied adapter's or factory's own error) becomes kind `unknown`, its message passed
 * through `redact` so no configured secret can leak through it. Configuration errors (a
 * missing SDK) pass through untouched: they are not the provider's fault and stop the call.
 */
export function toProviderError(
  thrown: unknown,
  candidate: Candidate,
  scope: CallScope,
  redact: (text: string) => string,
): ProviderError | ConfigurationError {
  if (scope.done) return scope.error(candidate);
  if (ConfigurationError.isInstance(thrown)) return thrown;
  if (ProviderError.isInstance(thrown)) return thrown;
  const message = redact(thrown instanceof Error ? thrown.message : String(thrown));
  return new ProviderError({ provider: candidate.provider, model: candidate.model, kind: 'unknown', message, cause: thrown });
}
