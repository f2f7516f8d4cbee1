import type { Attempt } from '../spec/chat-response.js';
import { hasErrorName, OrchestratorError } from './orchestrator-error.js';
import type { ProviderError } from './provider-error.js';

/** Every candidate of the chain failed. Keeps every attempt and every attempt's error. */
export class AllFallbacksFailedError extends OrchestratorError {
  readonly attempts: Attempt[];
  readonly errors: ProviderError[];

  constructor(attempts: Attempt[], errors: ProviderError[], reason?: string) {
    const tried = attempts.map((a) => `#${a.attempt} ${a.provider}/${a.model}: ${a.error?.kind ?? a.status}`);
    const summary = reason ?? `All ${attempts.length} attempts failed`;
    super(`${summary}${tried.length > 0 ? ` (${tried.join('; ')})` : ''}`, { cause: errors.at(-1) });
    this.name = 'AllFallbacksFailedError';
    this.attempts = attempts;
    this.errors = errors;
  }

  static override isInstance(error: unknown): error is AllFallbacksFailedError {
    return hasErrorName(error, 'AllFallbacksFailedError');
  }
}
