import { ConfigurationError } from '../../errors/configuration-error.js';
import { ModelNotFoundError } from '../../errors/model-not-found-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { mapGoogleError } from './map-google-error.js';
import { redactErrorMessage } from '../../internal/redact-error-message.js';
import { redactSecrets } from '../../internal/redact-secrets.js';
import { isNetworkError } from '../../internal/is-network-error.js';

/** Who failed, for the error's fields, and what to scrub from its message. */
export interface GeminiErrorContext {
  provider: string;
  model: string;
  /** The attempt's signal: when it is aborted, any failure is kind `aborted`. */
  signal?: AbortSignal;
  /** Removed from messages wherever it appears (the API key). */
  secret?: string;
}

const networkMessages = /terminated|fetch failed|Error fetching from|Error reading from the stream|Failed to parse stream|Incomplete JSON segment|socket|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|other side closed/i;

/**
 * Turns whatever `@google/generative-ai` or `@google/genai` threw into a {@link ProviderError}:
 * an aborted signal -> `aborted` (cause: the signal's reason); an HTTP error (`status` on the
 * SDK error, Google's JSON body in its details or message) -> {@link mapGoogleError};
 * connection failures and cut or unparsable streams -> `network`; anything else `unknown`.
 * A `ProviderError` passes through unchanged. The API key is scrubbed from the message and
 * from the SDK error kept as `cause`.
 *
 * @throws ConfigurationError when given one (the SDK is not installed): a set-up problem is
 * never turned into a provider failure.
 */
export function mapGeminiSdkError(error: unknown, context: GeminiErrorContext): ProviderError {
  if (ConfigurationError.isInstance(error)) throw error;
  if (ProviderError.isInstance(error)) return error;
  redactErrorMessage(error, [context.secret]);
  const base = { provider: context.provider, model: context.model };
  if (context.signal?.aborted) {
    return new ProviderError({ ...base, kind: 'aborted', message: 'request aborted', cause: context.signal.reason });
  }
  const rawMessage = error instanceof Error ? error.message : String(error);
  const status = readStatus(error);
  if (status !== undefined) {
    const classification = mapGoogleError(status, readGoogleBody(error, status, rawMessage));
    const options = {
      ...base,
      kind: classification.kind,
      status,
      message: redactSecrets(classification.message, [context.secret]),
      cause: error,
      ...(classification.retryAfterMs === undefined ? {} : { retryAfterMs: classification.retryAfterMs }),
    };
    return classification.kind === 'not_found' ? new ModelNotFoundError(options) : new ProviderError(options);
  }
  const message = redactSecrets(rawMessage, [context.secret]);
  if (isAbortError(error)) return new ProviderError({ ...base, kind: 'aborted', message, cause: error });
  if (isNetworkError(error, networkMessages)) return new ProviderError({ ...base, kind: 'network', message, cause: error });
  return new ProviderError({ ...base, kind: 'unknown', message, cause: error });
}

function readStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 ? status : undefined;
}

/**
 * `@google/generative-ai`'s `GoogleGenerativeAIFetchError` keeps `errorDetails` and puts
 * Google's message after `[status statusText] ` in its own; `@google/genai`'s `ApiError`
 * message is the JSON body itself (or `got status: ... {json}` for an error inside a stream).
 */
function readGoogleBody(error: unknown, status: number, message: string): unknown {
  if (typeof error === 'object' && error !== null && 'statusText' in error) {
    const details = (error as { errorDetails?: unknown }).errorDetails;
    let googleMessage = /\] (.*)$/s.exec(message)?.[1] ?? message;
    if (Array.isArray(details)) googleMessage = googleMessage.replace(` ${JSON.stringify(details)}`, '');
    return { error: { code: status, message: googleMessage, ...(Array.isArray(details) ? { details } : {}) } };
  }
  const jsonStart = message.indexOf('{');
  if (jsonStart === -1) return { error: { code: status, message } };
  try {
    return JSON.parse(message.slice(jsonStart));
  } catch {
    return { error: { code: status, message } };
  }
}

function isAbortError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || /Request aborted/i.test(error.message);
}


