import { ConfigurationError } from '../../errors/configuration-error.js';
import type { ErrorKind } from '../../errors/error-kind.js';
import { ModelNotFoundError } from '../../errors/model-not-found-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { parseRetryAfter, type HeadersLike } from '../../internal/parse-retry-after.js';
import { redactErrorMessage } from '../../internal/redact-error-message.js';
import { redactSecrets } from '../../internal/redact-secrets.js';
import { isNetworkError } from '../../internal/is-network-error.js';
import type { AbortState } from '../../internal/attempt-abort.js';

/** Who failed, for the error's fields, and what to scrub from its message. */
export interface AnthropicErrorContext {
  provider: string;
  model: string;
  /** The attempt's signal: when it is aborted, any failure is kind `aborted`. */
  signal?: AbortState;
  /** Removed from messages wherever it appears (the API key). */
  secret?: string;
}

/** Anthropic's `error.type` values, for errors that come without an HTTP status (in-band `event: error`). */
const kindByErrorType: Readonly<Record<string, ErrorKind>> = {
  overloaded_error: 'overloaded',
  api_error: 'server',
  rate_limit_error: 'rate_limit',
  timeout_error: 'timeout',
  authentication_error: 'auth',
  permission_error: 'auth',
  billing_error: 'quota',
  not_found_error: 'not_found',
  request_too_large: 'context_length',
  invalid_request_error: 'invalid_request',
};

const networkMessages = /terminated|fetch failed|socket|ECONNRESET|ECONNREFUSED|EPIPE|other side closed/i;

/**
 * Turns what `@anthropic-ai/sdk` threw into a {@link ProviderError}, by the SDK error's HTTP
 * status (its class follows it):
 * 400 -> `invalid_request` (`context_length` when the prompt is too long, `quota` when the
 * credit balance is too low); 401, 403 -> `auth`; 402 -> `quota`; 404 -> `not_found`
 * ({@link ModelNotFoundError}); 408 -> `timeout`; 409 -> `server`; 413 -> `context_length`; 429 ->
 * `rate_limit` with `retryAfterMs` from `retry-after-ms` / `retry-after`; 529 -> `overloaded`;
 * other 5xx -> `server`. An error without a status (an in-band `event: error` in a stream) is
 * classified by its `error.type` (`overloaded_error` -> `overloaded`, `api_error` -> `server`,
 * unknown types -> `server`). Connection errors -> `network`, connection timeouts ->
 * `timeout`, an aborted signal -> `aborted`. A `ProviderError` passes through unchanged. The
 * API key is scrubbed from the message and from the SDK error kept as `cause`.
 *
 * @throws ConfigurationError when given one (the SDK is not installed): a set-up problem is
 * never turned into a provider failure.
 */
export function mapAnthropicError(error: unknown, context: AnthropicErrorContext): ProviderError {
  if (ConfigurationError.isInstance(error)) throw error;
  if (ProviderError.isInstance(error)) return error;
  redactErrorMessage(error, [context.secret]);
  const base = { provider: context.provider, model: context.model };
  if (context.signal?.aborted) {
    return new ProviderError({ ...base, kind: 'aborted', message: 'request aborted', cause: context.signal.reason });
  }
  const message = redactSecrets(error instanceof Error ? error.message : String(error), [context.secret]);
  const name = error instanceof Error ? error.name : '';
  if (name === 'APIUserAbortError' || name === 'AbortError') return new ProviderError({ ...base, kind: 'aborted', message, cause: error });
  if (name === 'APIConnectionTimeoutError') return new ProviderError({ ...base, kind: 'timeout', message, cause: error });
  if (name === 'APIConnectionError') return new ProviderError({ ...base, kind: 'network', message, cause: error });

  const apiError = readApiError(error);
  if (apiError === undefined) {
    return new ProviderError({ ...base, kind: isNetworkError(error, networkMessages) ? 'network' : 'unknown', message, cause: error });
  }
  const kind = apiError.status === undefined ? (kindByErrorType[apiError.type ?? ''] ?? 'server') : kindByStatus(apiError.status, apiError.type, message);
  const retryAfterMs = parseRetryAfter(apiError.headers);
  const options = {
    ...base,
    kind,
    message,
    cause: error,
    ...(apiError.status === undefined ? {} : { status: apiError.status }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  return kind === 'not_found' ? new ModelNotFoundError(options) : new ProviderError(options);
}

function kindByStatus(status: number, type: string | undefined, message: string): ErrorKind {
  if (status === 400) {
    if (/prompt is too long|too many (input )?tokens|context (window|length)|exceeds? .*context/i.test(message)) return 'context_length';
    if (/credit balance is too low|billing/i.test(message) || type === 'billing_error') return 'quota';
    return 'invalid_request';
  }
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  // A conflict with a concurrent request: transient, as OpenAI's 409.
  if (status === 409) return 'server';
  if (status === 413) return 'context_length';
  if (status === 429) return 'rate_limit';
  if (status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  return 'invalid_request';
}

interface ApiErrorShape {
  status?: number;
  type?: string;
  headers?: HeadersLike;
}

/** The SDK's `APIError` (and subclasses), recognized by shape so two SDK copies both work. */
function readApiError(error: unknown): ApiErrorShape | undefined {
  if (!(error instanceof Error) || !('error' in error) || !('type' in error)) return undefined;
  const { status, type, headers } = error as { status?: unknown; type?: unknown; headers?: unknown };
  const shape: ApiErrorShape = {};
  if (typeof status === 'number') shape.status = status;
  if (typeof type === 'string') shape.type = type;
  if (typeof headers === 'object' && headers !== null && typeof (headers as HeadersLike).get === 'function') shape.headers = headers as HeadersLike;
  return shape;
}


