import type { Usage } from '../spec/usage.js';
import { type ErrorKind, isRetryableKind } from './error-kind.js';
import { hasErrorName, OrchestratorError } from './orchestrator-error.js';

/** What a {@link ProviderError} is built from. */
export interface ProviderErrorOptions {
  message: string;
  provider: string;
  model: string;
  kind: ErrorKind;
  /** HTTP status, when the provider answered with one. */
  status?: number;
  /** Default: from `kind` (`rate_limit`, `server`, `overloaded`, `timeout`, `network`). */
  retryable?: boolean;
  /** The provider's own retry-after, in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
  /** Usage the provider reported before failing (a refusal, a cut stream), so it can be billed. */
  usage?: Usage;
}

/** A failed attempt at a provider, classified by `kind`. Retry and fallback read only its fields. */
export class ProviderError extends OrchestratorError {
  readonly provider: string;
  readonly model: string;
  readonly kind: ErrorKind;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly usage?: Usage;

  constructor(options: ProviderErrorOptions) {
    super(`${options.provider}/${options.model}: ${options.message}`, { cause: options.cause });
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.model = options.model;
    this.kind = options.kind;
    this.retryable = options.retryable ?? isRetryableKind(options.kind);
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.usage !== undefined) this.usage = options.usage;
  }

  static override isInstance(error: unknown): error is ProviderError {
    return hasErrorName(error, 'ProviderError', 'ModelNotFoundError');
  }
}
