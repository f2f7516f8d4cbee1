import type { ErrorKind } from '../../errors/error-kind.js';
import { ModelNotFoundError } from '../../errors/model-not-found-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { parseRetryAfter, type HeadersLike } from '../../internal/parse-retry-after.js';
import { redactErrorMessage } from '../../internal/redact-error-message.js';
import { redactSecrets } from '../../internal/redact-secrets.js';
import { isNetworkError } from '../../internal/is-network-error.js';
import type { AbortState } from '../../internal/attempt-abort.js';

/** The OpenAI SDK's error classes the mapping tells apart (from the loaded `openai` module). */
export interface OpenAIErrorClasses {
  APIError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
}

/** Where an error happened, for {@link mapOpenAIError}. */
export interface OpenAIErrorContext {
  /** The provider entry name. */
  provider: string;
  model: string;
  /** The SDK's error classes. */
  sdk: OpenAIErrorClasses;
  /** The attempt's signal: once it is aborted, any failure is kind `aborted`. */
  signal?: AbortState;
  /** True when the error came from reading a streamed body: a transport failure (`network`). */
  whileReadingBody?: boolean;
  /** Strings that must never appear in a message (the API key). */
  secrets?: readonly string[];
  /** False when no API key was configured; auth errors then say so. */
  apiKeyConfigured?: boolean;
}

/** The fields of the SDK's `APIError` this mapping reads. */
interface OpenAIApiErrorShape extends Error {
  status?: number;
  headers?: HeadersLike;
  error?: { message?: unknown; type?: unknown; code?: unknown } | null;
  code?: unknown;
  type?: unknown;
}

/** fetch's own words for a connection that failed or broke (undici, and msw's simulated error). */
const networkMessages = /^(terminated|fetch failed|Failed to fetch)$/;
const maxProviderMessageLength = 500;

/**
 * Turns anything the OpenAI SDK (or the fetch under it) throws into a {@link ProviderError}
 * (a {@link ModelNotFoundError} for kind `not_found`), keeping the original as `cause`.
 *
 * By HTTP status: 400 and 422 `invalid_request` (codes `context_length_exceeded` ->
 * `context_length`, `content_policy_violation`/`content_filter` -> `content_filter`), 401/403
 * `auth`, 402 `quota`, 404 `not_found`, 408 `timeout`, 409 `server`, 413 `context_length`, 429
 * `rate_limit` (`insufficient_quota` -> `quota`), 503 and 529 `overloaded` (OpenAI's "engine is
 * overloaded / slow down"), other 5xx `server`. An in-band stream error (no status) is classified
 * by its `type`/`code` (`server_error` -> `server`, unknown -> `server`). Connection failures are
 * `network`, SDK timeouts `timeout`, aborts `aborted`, anything else `unknown`.
 *
 * The message names the status, the provider's code and the provider's message; the API key
 * (and anything shaped like an OpenAI key) is redacted from it and from the cause's message.
 */
export function mapOpenAIError(error: unknown, context: OpenAIErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const redact = (text: string) => redactOpenAISecrets(text, context.secrets ?? []);
  redactErrorMessage(error, redact);
  const base = { provider: context.provider, model: context.model, cause: error };

  if (context.signal?.aborted || error instanceof context.sdk.APIUserAbortError || isAbortError(error)) {
    return new ProviderError({ ...base, kind: 'aborted', message: 'the request was aborted' });
  }
  if (error instanceof context.sdk.APIConnectionTimeoutError) {
    return new ProviderError({ ...base, kind: 'timeout', message: 'the request timed out before the server answered' });
  }
  if (error instanceof context.sdk.APIConnectionError) {
    return new ProviderError({ ...base, kind: 'network', message: `connection failed: ${describeCause(error)}` });
  }
  if (error instanceof context.sdk.APIError) {
    return mapApiError(error as OpenAIApiErrorShape, context, base, redact);
  }
  if (context.whileReadingBody) {
    return new ProviderError({ ...base, kind: 'network', message: `the stream broke off: ${redact(describeCause(error))}` });
  }
  if (isNetworkError(error, networkMessages)) {
    return new ProviderError({ ...base, kind: 'network', message: `connection failed: ${redact(describeCause(error))}` });
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ProviderError({ ...base, kind: 'unknown', message: `unexpected error: ${redact(truncate(text))}` });
}

function mapApiError(
  error: OpenAIApiErrorShape,
  context: OpenAIErrorContext,
  base: { provider: string; model: string; cause: unknown },
  redact: (text: string) => string,
): ProviderError {
  const status = error.status;
  const code = stringOrUndefined(error.code ?? error.error?.code);
  const type = stringOrUndefined(error.type ?? error.error?.type);
  const kind = status === undefined ? kindOfInBandError(code, type) : kindOfStatus(status, code, type);
  // Without a JSON error body the SDK's message is "<status> <body text>": drop the repeated status.
  const sdkMessage = status !== undefined && error.message.startsWith(`${status} `) ? error.message.slice(`${status} `.length) : error.message;
  const providerMessage = redact(truncate(stringOrUndefined(error.error?.message) ?? sdkMessage));
  const labels = [status === undefined ? 'error inside the stream' : `HTTP ${status}`, code ?? type].filter(Boolean);
  let message = `${labels.join(' ')}: ${providerMessage}`;
  if (kind === 'auth' && context.apiKeyConfigured === false) {
    message += ` (no API key is configured for provider '${context.provider}')`;
  }
  const retryAfterMs = parseRetryAfter(error.headers);
  const options = { ...base, message, ...(status === undefined ? {} : { status }), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (kind === 'not_found') return new ModelNotFoundError(options);
  return new ProviderError({ ...options, kind });
}

function kindOfStatus(status: number, code: string | undefined, type: string | undefined): ErrorKind {
  const special = kindOfCode(code) ?? kindOfCode(type);
  if (special === 'quota' || special === 'context_length' || special === 'content_filter' || special === 'not_found') {
    if (status < 500) return special;
  }
  if (status === 400 || status === 422) return 'invalid_request';
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 409) return 'server';
  if (status === 413) return 'context_length';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  return 'unknown';
}

function kindOfInBandError(code: string | undefined, type: string | undefined): ErrorKind {
  return kindOfCode(code) ?? kindOfCode(type) ?? 'server';
}

/** OpenAI (and OpenAI-compatible servers') error `code`/`type` values that name a kind. */
function kindOfCode(value: string | undefined): ErrorKind | undefined {
  switch (value) {
    case 'insufficient_quota':
    case 'billing_hard_limit_reached':
      return 'quota';
    case 'context_length_exceeded':
    case 'string_above_max_length':
      return 'context_length';
    case 'content_policy_violation':
    case 'content_filter':
    case 'content_filter_error':
      return 'content_filter';
    case 'model_not_found':
      return 'not_found';
    case 'rate_limit_exceeded':
    case 'rate_limit_error':
    case 'tokens':
    case 'requests':
      return 'rate_limit';
    case 'server_error':
    case 'internal_error':
    case 'api_error':
      return 'server';
    case 'overloaded':
    case 'overloaded_error':
    case 'service_unavailable':
      return 'overloaded';
    case 'invalid_api_key':
    case 'authentication_error':
    case 'permission_error':
      return 'auth';
    case 'invalid_request_error':
    case 'unsupported_parameter':
    case 'invalid_value':
      return 'invalid_request';
    default:
      return undefined;
  }
}

function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}


/** "TypeError: terminated (UND_ERR_SOCKET: other side closed)" from an error and its causes. */
function describeCause(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    // msw puts the Response of HttpResponse.error() in the chain: only errors describe anything.
    if (typeof message !== 'string' && depth > 0) break;
    const text = [typeof code === 'string' ? code : undefined, typeof message === 'string' ? message : String(current)].filter(Boolean).join(': ');
    if (text && !parts.includes(text)) parts.push(text);
    current = (current as { cause?: unknown }).cause;
  }
  return truncate(parts.join(' <- '));
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function truncate(text: string): string {
  return text.length > maxProviderMessageLength ? `${text.slice(0, maxProviderMessageLength)}...` : text;
}

function redactOpenAISecrets(text: string, secrets: readonly string[]): string {
  // OpenAI echoes a masked form of a wrong key ("sk-proj-****abcd"): drop it as well.
  return redactSecrets(text, secrets).replace(/\bsk-[A-Za-z0-9_*.-]{3,}/g, 'sk-[redacted]');
}
