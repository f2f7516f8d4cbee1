import type { ErrorKind } from '../../errors/error-kind.js';
import { ModelNotFoundError } from '../../errors/model-not-found-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import type { Usage } from '../../spec/usage.js';
import { redactErrorMessage } from '../../internal/redact-error-message.js';
import { redactSecrets } from '../../internal/redact-secrets.js';
import { parseRetryAfter } from '../../internal/parse-retry-after.js';

/** Where an error happened, for the {@link ProviderError} built from it. */
export interface BedrockErrorContext {
  provider: string;
  model: string;
  /** The attempt's signal: an error after it aborted is kind `aborted`. */
  signal?: AbortSignal;
  /** Usage seen before the failure (a stream cut after its `metadata` event). */
  usage?: Usage;
  /** Values that must never appear in a message (the secret key, the session token). */
  secrets?: readonly string[];
}

interface AwsErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: { headers?: Record<string, string | undefined> };
}

const authNames = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'CredentialsProviderError',
]);

const networkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

const contextLengthPattern = /too many (input )?tokens|input is too long|prompt is too long|too long for|context (length|window)|maximum (input|context)|exceeds? the maximum/i;
const unknownModelPattern =
  /model identifier is invalid|invalid model identifier|model (id )?(is )?not (found|supported)|does not support|doesn't support|isn't supported|is not supported|unsupported model|on-demand throughput|model is not available|reached the end of its life/i;
const noModelAccessPattern = /(don't|do not|doesn't|does not) have access to (the|this) model/i;
const corruptStreamPattern = /checksum|truncated event message/i;

/**
 * Turns anything the Bedrock SDK throws (HTTP errors, in-band exception frames, socket errors,
 * corrupt event-stream frames, aborts) into a {@link ProviderError}. The one place where
 * Bedrock error names and message texts are read. The secrets are scrubbed from the message and
 * from the SDK error kept as `cause`.
 *
 * `AccessDeniedException` is `auth` (the rest of the provider is skipped), except when it says
 * the account has no access to this one model ("You don't have access to the model with the
 * specified model ID."): that is `not_found`, and the next model is tried.
 */
export function mapBedrockError(error: unknown, context: BedrockErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  redactErrorMessage(error, context.secrets ?? []);
  const shape = (typeof error === 'object' && error !== null ? error : {}) as AwsErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : 'Error';
  const rawMessage = typeof shape.message === 'string' && shape.message !== '' ? shape.message : String(error);
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  const statusValue = shape.$metadata?.httpStatusCode;
  const status = typeof statusValue === 'number' ? statusValue : undefined;
  const headers = shape.$response?.headers;
  const retryAfterMs = parseRetryAfter(headers && { get: (name) => headers[name] });

  const kind = classify({ name, message: rawMessage, code, status, aborted: context.signal?.aborted === true });
  const message = redactSecrets(`${name}: ${rawMessage}`, context.secrets ?? []);
  const options = {
    message: kind === 'auth' && name === 'CredentialsProviderError' ? `no AWS credentials found (${message})` : message,
    provider: context.provider,
    model: context.model,
    cause: kind === 'aborted' && context.signal?.aborted ? (context.signal.reason ?? error) : error,
    ...(status !== undefined ? { status } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(context.usage !== undefined ? { usage: context.usage } : {}),
  };
  return kind === 'not_found' ? new ModelNotFoundError(options) : new ProviderError({ ...options, kind });
}

function classify(error: { name: string; message: string; code?: string; status?: number; aborted: boolean }): ErrorKind {
  const { name, message, code, status } = error;
  if (error.aborted || name === 'AbortError') return 'aborted';
  if (name === 'AccessDeniedException' && noModelAccessPattern.test(message)) return 'not_found';
  switch (name) {
    case 'ThrottlingException':
      return 'rate_limit';
    case 'ServiceQuotaExceededException':
      return 'quota';
    case 'ResourceNotFoundException':
      return 'not_found';
    case 'ValidationException':
      if (contextLengthPattern.test(message)) return 'context_length';
      if (unknownModelPattern.test(message)) return 'not_found';
      return 'invalid_request';
    case 'ModelNotReadyException':
    case 'ModelErrorException':
    case 'ModelStreamErrorException':
    case 'InternalServerException':
      return 'server';
    // 503 from Bedrock means no capacity right now ("try again later"): the same as
    // Anthropic's 529, so other models and providers may well have room.
    case 'ServiceUnavailableException':
      return 'overloaded';
    case 'ModelTimeoutException':
      return 'timeout';
    case 'TimeoutError':
      return 'network';
  }
  if (authNames.has(name)) return 'auth';
  if (code !== undefined && networkCodes.has(code)) return 'network';
  if (corruptStreamPattern.test(message)) return 'network';
  if (status !== undefined) {
    if (status === 401 || status === 403) return 'auth';
    if (status === 404) return 'not_found';
    if (status === 408) return 'timeout';
    if (status === 429) return 'rate_limit';
    if (status === 413) return 'context_length';
    if (status >= 500) return 'server';
    if (status >= 400) return 'invalid_request';
  }
  return 'unknown';
}


