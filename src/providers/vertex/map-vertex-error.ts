import type { ErrorKind } from '../../errors/error-kind.js';
import { ModelNotFoundError } from '../../errors/model-not-found-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import type { Usage } from '../../spec/usage.js';
import { mapGoogleError } from '../gemini/map-google-error.js';
import { isNetworkError } from '../../internal/is-network-error.js';

/** Where a Vertex error happened, for the {@link ProviderError} built from it. */
export interface VertexErrorContext {
  provider: string;
  model: string;
  /** The attempt's signal: any failure after it aborted is kind `aborted`. */
  signal?: AbortSignal;
  /** The configured credential file, to recognise "cannot read it" as an auth failure. */
  credentialsPath?: string;
  /** Usage seen before the failure. */
  usage?: Usage;
  /**
   * The failure came in a stream after its first event: a `SyntaxError` there is a malformed
   * event, not an error page (which fails before any event).
   */
  midStream?: boolean;
}

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  code?: unknown;
  path?: unknown;
  cause?: unknown;
  errorDetails?: unknown;
}

const maxMessageLength = 500;
const statusInMessage = /got status: (\d{3})[^.{]*\.?\s*(.*)$/s;
const authMessages =
  /could not load the default credentials|could not refresh access token|unable to authenticate your request|invalid_grant|invalid_client|unauthorized_client|no access, refresh token|error:.*private key|could not get a google access token/i;
const networkMessages = /terminated|fetch failed|other side closed|socket hang up|failed to parse final chunk of stream|exception posting request|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE/i;

/**
 * Turns anything `@google-cloud/vertexai`, `@google/genai` or the token fetch threw into a
 * {@link ProviderError}. The one place that reads Vertex error texts:
 * - an aborted signal -> `aborted` (cause: the signal's reason);
 * - a failed token fetch (`GoogleAuthError`, ADC not found, an unreadable credential file,
 *   an injected client that fails) -> `auth`, with a message saying so;
 * - an HTTP error -> {@link mapGoogleError} on its status and Google's JSON body, which
 *   `@google-cloud/vertexai` keeps in `ClientError.cause` for 4xx but only in the message text
 *   (`got status: 503 Service Unavailable. {...}`) for 5xx, and `@google/genai` in `ApiError`;
 * - a non-JSON error body (an HTML 502 from a proxy), which `@google-cloud/vertexai` surfaces as
 *   a raw `SyntaxError` -> `server`; after a stream's first event, a `SyntaxError` is a malformed
 *   event -> `network`, as for Gemini;
 * - connection failures and cut streams (`TypeError: terminated`, `fetch failed`, socket
 *   codes anywhere in the `cause` chain) -> `network`; anything else -> `unknown`.
 */
export function mapVertexError(error: unknown, context: VertexErrorContext): ProviderError {
  if (ProviderError.isInstance(error)) return error;
  const base = {
    provider: context.provider,
    model: context.model,
    ...(context.usage !== undefined ? { usage: context.usage } : {}),
  };
  if (context.signal?.aborted) {
    return new ProviderError({ ...base, kind: 'aborted', message: 'request aborted', cause: context.signal.reason });
  }
  const shape = asShape(error);
  const rawMessage = messageOf(error);

  if (isAuthFailure(error, context.credentialsPath)) {
    const detail = innermostMessage(error);
    const message = detail.startsWith('could not get a Google access token') ? detail : `could not get a Google access token: ${detail}`;
    return new ProviderError({ ...base, kind: 'auth', message: truncate(message), cause: error });
  }

  const http = readHttpError(error);
  if (http !== undefined) {
    const classification = mapGoogleError(http.status, http.body);
    const options = {
      ...base,
      status: http.status,
      message: truncate(classification.message),
      cause: error,
      ...(classification.retryAfterMs !== undefined ? { retryAfterMs: classification.retryAfterMs } : {}),
    };
    return classification.kind === 'not_found' ? new ModelNotFoundError(options) : new ProviderError({ ...options, kind: classification.kind });
  }

  let kind: ErrorKind = 'unknown';
  let message = rawMessage;
  if (shape.name === 'SyntaxError' && context.midStream === true) {
    kind = 'network';
    message = `a malformed event in the stream: ${rawMessage}`;
  } else if (shape.name === 'SyntaxError') {
    kind = 'server';
    message = `the response was not JSON (an HTML error page from a proxy?): ${rawMessage}`;
  } else if (shape.name === 'AbortError' || shape.name === 'TimeoutError') {
    kind = shape.name === 'AbortError' ? 'aborted' : 'timeout';
  } else if (isNetworkError(error, networkMessages)) {
    kind = 'network';
    message = describeChain(error);
  }
  return new ProviderError({ ...base, kind, message: truncate(message), cause: error });
}

function readHttpError(error: unknown): { status: number; body: unknown } | undefined {
  const shape = asShape(error);
  // @google/genai ApiError: `status`, and the JSON body as the message.
  if (typeof shape.status === 'number' && shape.status >= 400) {
    return { status: shape.status, body: parseJsonTail(messageOf(error)) ?? { error: { code: shape.status, message: messageOf(error) } } };
  }
  // @google-cloud/vertexai ClientError (4xx): GoogleApiError in `cause`.
  const cause = asShape(shape.cause);
  const match = statusInMessage.exec(messageOf(error));
  if (typeof cause.code === 'number' && cause.code >= 400) {
    return {
      status: cause.code,
      body: { error: { code: cause.code, status: cause.status, message: cause.message, details: cause.errorDetails } },
    };
  }
  // @google-cloud/vertexai GoogleGenerativeAIError (5xx): status and body only in the message.
  if (match?.[1] !== undefined) {
    const status = Number(match[1]);
    return { status, body: parseJsonTail(match[2] ?? '') ?? { error: { code: status, message: messageOf(error) } } };
  }
  return undefined;
}

function isAuthFailure(error: unknown, credentialsPath: string | undefined): boolean {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; current = asShape(current).cause, depth++) {
    const shape = asShape(current);
    if (shape.name === 'GoogleAuthError' || shape.name === 'VertexAccessTokenError') return true;
    if (credentialsPath !== undefined && shape.path === credentialsPath) return true;
    if (authMessages.test(messageOf(current))) return true;
  }
  return false;
}


function describeChain(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 4; current = asShape(current).cause, depth++) {
    const code = asShape(current).code;
    parts.push(`${messageOf(current)}${typeof code === 'string' ? ` (${code})` : ''}`);
  }
  return parts.join(': ');
}

function innermostMessage(error: unknown): string {
  let message = messageOf(error);
  for (let current: unknown = asShape(error).cause, depth = 0; current !== undefined && current !== null && depth < 4; current = asShape(current).cause, depth++) {
    if (current instanceof Error && current.message) message = current.message;
  }
  return message;
}

function parseJsonTail(text: string): unknown {
  const start = text.indexOf('{');
  if (start === -1) return undefined;
  try {
    return JSON.parse(text.slice(start));
  } catch {
    return undefined;
  }
}

function asShape(value: unknown): ErrorShape {
  return typeof value === 'object' && value !== null ? (value as ErrorShape) : {};
}

function messageOf(value: unknown): string {
  const message = asShape(value).message;
  return typeof message === 'string' ? message : String(value);
}

function truncate(message: string): string {
  return message.length > maxMessageLength ? `${message.slice(0, maxMessageLength)}...` : message;
}
