import type { ErrorKind } from '../../errors/error-kind.js';

/** Google's JSON error body (`google.rpc.Status` over HTTP), as the Gemini API and Vertex send it. */
export interface GoogleErrorBody {
  error?: {
    code?: number;
    /** The canonical code name: `INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`, `UNAVAILABLE`... */
    status?: string;
    message?: string;
    /** `google.rpc` detail messages, each with an `@type`: `ErrorInfo`, `QuotaFailure`, `RetryInfo`... */
    details?: unknown[];
  };
}

/** What {@link mapGoogleError} concludes from a status and a body. */
export interface GoogleErrorClassification {
  kind: ErrorKind;
  /** The HTTP status (given, or `error.code` from the body). */
  status?: number;
  /** From `RetryInfo.retryDelay` (`"34.4s"` -> 34400). */
  retryAfterMs?: number;
  /** A message for humans: Google's `error.message` (never contains the API key), or a stand-in. */
  message: string;
  /** Google's `error.status` (`RESOURCE_EXHAUSTED`...), when the body has one. */
  googleStatus?: string;
  /** `ErrorInfo.reason` (`API_KEY_INVALID`...), when the body has one. */
  reason?: string;
}

const canonicalStatusToHttp: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** Preconditions of the account, not of the request: "User location is not supported for the API use.", billing off. */
const accountPreconditionMessages = /location is not supported|not available in your (country|region|location)|billing/i;

const authReasons: ReadonlySet<string> = new Set([
  'API_KEY_INVALID',
  'API_KEY_EXPIRED',
  'API_KEY_SERVICE_BLOCKED',
  'API_KEY_HTTP_REFERRER_BLOCKED',
  'API_KEY_IP_ADDRESS_BLOCKED',
  'ACCESS_TOKEN_EXPIRED',
  'CONSUMER_SUSPENDED',
  'SERVICE_DISABLED',
]);

/**
 * Classifies a Google API error (Gemini API or Vertex AI) from its HTTP status and its JSON
 * body `{ error: { code, status, message, details } }`. Either may be missing: `status`
 * falls back to `error.code`, then to `error.status`'s usual HTTP code.
 *
 * - 400 with `ErrorInfo.reason` `API_KEY_INVALID` (or a message "API key not valid"), 401,
 *   403 -> `auth`; a `FAILED_PRECONDITION` (or a bare 400) saying the caller's location is not
 *   supported or billing is not enabled -> `auth` too (no model of this provider can answer
 *   this caller: the rest of the provider is skipped, other providers are still tried);
 *   400 saying the input exceeds the token limit, 413 -> `context_length`;
 *   other 4xx -> `invalid_request`; 404 -> `not_found`; 408, 504 -> `timeout`;
 *   503 -> `overloaded` (Gemini's "model is overloaded"); other 5xx -> `server`.
 * - 429 / `RESOURCE_EXHAUSTED`: `retryAfterMs` from `RetryInfo.retryDelay` whenever present.
 *   It is `quota` (retrying soon will not help; the rest of the provider is skipped) when a
 *   `QuotaFailure` violation names a daily quota (`...PerDay...`) or a limit of 0, or when a
 *   `QuotaFailure` names no per-minute/per-second window and no `RetryInfo` came with it.
 *   It is `rate_limit` otherwise: a per-minute quota (`GenerateRequestsPerMinute...`, as in
 *   the recorded `google-429-retry-info.json`), a `RetryInfo` delay, or a bare 429 (Vertex's
 *   shared-capacity "Resource exhausted, please try again later").
 */
export function mapGoogleError(status: number | undefined, body: unknown): GoogleErrorClassification {
  const error = readErrorObject(body);
  const googleStatus = typeof error?.status === 'string' ? error.status : undefined;
  const httpStatus =
    status ?? (typeof error?.code === 'number' ? error.code : googleStatus !== undefined ? canonicalStatusToHttp[googleStatus] : undefined);
  const details = Array.isArray(error?.details) ? error.details.filter(isRecord) : [];
  const reason = details.find((detail) => typeOf(detail) === 'ErrorInfo' && typeof detail.reason === 'string')?.reason as string | undefined;
  const retryInfo = details.find((detail) => typeOf(detail) === 'RetryInfo');
  const retryAfterMs = retryInfo === undefined ? undefined : parseGoogleDuration(retryInfo.retryDelay);
  const message = typeof error?.message === 'string' && error.message !== '' ? error.message : `HTTP ${httpStatus ?? 'error'}${googleStatus ? ` ${googleStatus}` : ''}`;

  const classification = (kind: ErrorKind): GoogleErrorClassification => {
    const result: GoogleErrorClassification = { kind, message };
    if (httpStatus !== undefined) result.status = httpStatus;
    if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
    if (googleStatus !== undefined) result.googleStatus = googleStatus;
    if (reason !== undefined) result.reason = reason;
    return result;
  };

  if ((reason !== undefined && authReasons.has(reason)) || /api key (not valid|expired|invalid)/i.test(message)) {
    return classification('auth');
  }
  if (isAccountPrecondition(httpStatus, googleStatus, message)) return classification('auth');
  if (httpStatus === 429 || googleStatus === 'RESOURCE_EXHAUSTED') {
    return classification(isQuotaExhausted(details, retryInfo !== undefined) ? 'quota' : 'rate_limit');
  }
  if (httpStatus === undefined) return classification('unknown');
  if (httpStatus === 401 || httpStatus === 403) return classification('auth');
  if (httpStatus === 404) return classification('not_found');
  if (httpStatus === 408 || httpStatus === 504) return classification('timeout');
  if (httpStatus === 413) return classification('context_length');
  if (httpStatus === 503) return classification('overloaded');
  if (httpStatus >= 500) return classification('server');
  if (httpStatus >= 400) return classification(isContextLength(message) ? 'context_length' : 'invalid_request');
  return classification('unknown');
}

/**
 * Parses a protobuf JSON `Duration` (`"34.4s"`, `"1s"`, `"0.5s"`) or its object form
 * (`{ seconds, nanos }`) into milliseconds; `undefined` when it is neither.
 */
export function parseGoogleDuration(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(value);
    return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) * 1000);
  }
  if (isRecord(value)) {
    const seconds = Number(value.seconds ?? 0);
    const nanos = Number(value.nanos ?? 0);
    if (Number.isFinite(seconds) && Number.isFinite(nanos)) return Math.round(seconds * 1000 + nanos / 1e6);
  }
  return undefined;
}

function isQuotaExhausted(details: Record<string, unknown>[], hasRetryInfo: boolean): boolean {
  const violations = details
    .filter((detail) => typeOf(detail) === 'QuotaFailure')
    .flatMap((detail) => (Array.isArray(detail.violations) ? detail.violations.filter(isRecord) : []));
  if (violations.length === 0) return false;
  const quotaIds = violations.map((violation) => `${String(violation.quotaId ?? '')} ${String(violation.quotaMetric ?? '')}`);
  if (quotaIds.some((id) => /per_?day|daily/i.test(id))) return true;
  if (violations.some((violation) => violation.quotaValue === '0' || violation.quotaValue === 0)) return true;
  if (quotaIds.some((id) => /per_?(minute|second)/i.test(id))) return false;
  return !hasRetryInfo;
}

function isAccountPrecondition(httpStatus: number | undefined, googleStatus: string | undefined, message: string): boolean {
  // `@google/generative-ai` drops `error.status`: a 400 without one is read by its message alone.
  const precondition = googleStatus === 'FAILED_PRECONDITION' || (googleStatus === undefined && httpStatus === 400);
  return precondition && accountPreconditionMessages.test(message);
}

function isContextLength(message: string): boolean {
  return /exceeds the maximum number of tokens|input token count.*exceeds|too many tokens|context (window|length)/i.test(message);
}

function readErrorObject(body: unknown): GoogleErrorBody['error'] | undefined {
  if (!isRecord(body)) return undefined;
  if (isRecord(body.error)) return body.error as GoogleErrorBody['error'];
  // Some callers hand over the inner object (`{ code, status, message, details }`) directly.
  if ('code' in body || 'status' in body || 'details' in body) return body as GoogleErrorBody['error'];
  return undefined;
}

function typeOf(detail: Record<string, unknown>): string {
  const type = detail['@type'];
  return typeof type === 'string' ? type.slice(type.lastIndexOf('.') + 1) : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
