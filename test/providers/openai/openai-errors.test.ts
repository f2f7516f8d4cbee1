import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import * as openai from 'openai';
import { ProviderError } from '../../../src/errors/provider-error.js';
import { mapOpenAIError } from '../../../src/providers/openai/map-openai-error.js';
import { OpenAIProvider } from '../../../src/providers/openai/openai-provider.js';
import { createMswServer } from '../../setup/msw-server.js';
import { errorHandler, openAIMockOrigin, recordedLegacyParameterError } from './openai-recorded.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const secretKey = 'sk-proj-Secret123456789';
const request = () => ({ model: 'gpt-4.1-nano', messages: [{ role: 'user' as const, content: 'Hi' }], signal: new AbortController().signal });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as ProviderError,
  );
const context = { provider: 'openai', model: 'gpt-4.1-nano', sdk: openai };

describe('OpenAI error mapping over the wire', () => {
  const provider = () => new OpenAIProvider({ name: 'openai', apiKey: secretKey, baseUrl: `${openAIMockOrigin}/v1` });

  it('maps 429 insufficient_quota to quota (not retryable) with a clear message', async () => {
    server.use(
      errorHandler(429, { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }),
    );
    const error = await failure(provider().doSend(request()));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe('quota');
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(429);
    expect(error.message).toBe('openai/gpt-4.1-nano: HTTP 429 insufficient_quota: You exceeded your current quota, please check your plan and billing details.');
    expect(error.cause).toBeInstanceOf(openai.RateLimitError);
  });

  it('reads retry-after-ms before retry-after', async () => {
    server.use(errorHandler(429, { error: { message: 'Slow down', type: 'tokens', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after-ms': '250', 'retry-after': '9' }));
    const error = await failure(provider().doSend(request()));
    expect(error.kind).toBe('rate_limit');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(250);
  });

  it('reads retry-after in seconds when retry-after-ms is absent', async () => {
    server.use(errorHandler(503, { error: { message: 'Slow Down', type: 'server_error', param: null, code: null } }, { 'retry-after': '3' }));
    const error = await failure(provider().doSend(request()));
    expect(error.kind).toBe('overloaded');
    expect(error.retryAfterMs).toBe(3000);
  });

  it('keeps the recorded invalid_request body as a stopping error', async () => {
    server.use(errorHandler(400, recordedLegacyParameterError));
    const error = await failure(provider().doSend(request()));
    expect(error.kind).toBe('invalid_request');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("Unsupported parameter: 'max_tokens' is not supported with this model.");
    expect(error.message).toContain('HTTP 400 unsupported_parameter');
  });

  it('never puts the API key in the message, even when the server echoes it', async () => {
    server.use(
      errorHandler(401, {
        error: { message: `Incorrect API key provided: ${secretKey}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
      }),
    );
    const error = await failure(provider().doSend(request()));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).not.toContain('Secret123');
    expect((error.cause as Error).message).not.toContain('Secret123');
    expect(inspect(error, { depth: 5 })).not.toContain('Secret123');
  });

  it('says that no key is configured when a keyless provider gets a 401', async () => {
    server.use(errorHandler(401, { error: { message: 'You didn\u2019t provide an API key.', type: 'invalid_request_error', param: null, code: null } }));
    const keyless = new OpenAIProvider({ name: 'local', baseUrl: `${openAIMockOrigin}/v1` });
    const error = await failure(keyless.doSend(request()));
    expect(error.kind).toBe('auth');
    expect(error.provider).toBe('local');
    expect(error.message).toContain("no API key is configured for provider 'local'");
    expect(error.message).not.toContain('no-key');
  });

  it('sends the placeholder key when none is configured (local OpenAI-compatible servers)', async () => {
    let authorization: string | null = null;
    server.use(
      http.post(`${openAIMockOrigin}/v1/chat/completions`, ({ request: incoming }) => {
        authorization = incoming.headers.get('authorization');
        return HttpResponse.json({ choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] });
      }),
    );
    const result = await new OpenAIProvider({ name: 'local', baseUrl: `${openAIMockOrigin}/v1` }).doSend(request());
    expect(result).toEqual({ content: 'ok', finishReason: 'stop' });
    expect(authorization).toBe('Bearer no-key');
  });
});

describe('OpenAI provider keeps its key private', () => {
  const provider = new OpenAIProvider({ name: 'openai', apiKey: secretKey, baseUrl: 'https://api.openai.test/v1' });

  it('does not show the key in util.inspect, JSON or its own keys', async () => {
    // Load the client so that it exists on the instance too.
    server.use(http.get('https://api.openai.test/v1/models', () => HttpResponse.json({ object: 'list', data: [{ id: 'gpt-4.1-nano', object: 'model' }] })));
    expect(await provider.listModels()).toEqual(['gpt-4.1-nano']);
    expect(inspect(provider, { depth: 10, showHidden: true })).not.toContain('Secret123');
    expect(JSON.stringify(provider)).not.toContain('Secret123');
    expect(Object.keys(provider)).toEqual(['name', 'type']);
  });
});

describe('mapOpenAIError for errors without an HTTP answer', () => {
  it('maps the SDK connection errors', () => {
    expect(mapOpenAIError(new openai.APIConnectionTimeoutError(), context).kind).toBe('timeout');
    expect(mapOpenAIError(new openai.APIConnectionError({ message: 'Connection error.' }), context).kind).toBe('network');
    expect(mapOpenAIError(new openai.APIUserAbortError(), context).kind).toBe('aborted');
  });

  it('maps raw fetch failures by their code or undici message', () => {
    const terminated = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(mapOpenAIError(terminated, context).kind).toBe('network');
    expect(mapOpenAIError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), context).kind).toBe('network');
    expect(mapOpenAIError(new DOMException('This operation was aborted', 'AbortError'), context).kind).toBe('aborted');
  });

  it('maps anything once the signal is aborted to aborted, keeping the cause', () => {
    const controller = new AbortController();
    controller.abort();
    const cause = new TypeError('terminated');
    const error = mapOpenAIError(cause, { ...context, signal: controller.signal });
    expect(error.kind).toBe('aborted');
    expect(error.cause).toBe(cause);
  });

  it('maps in-band errors by their type or code', () => {
    const inBand = (body: object) => mapOpenAIError(new openai.APIError(undefined, body, undefined, new Headers()), context);
    expect(inBand({ message: 'x', type: 'server_error', code: null }).kind).toBe('server');
    expect(inBand({ message: 'x', type: 'requests', code: 'rate_limit_exceeded' }).kind).toBe('rate_limit');
    expect(inBand({ message: 'x', type: 'insufficient_quota', code: 'insufficient_quota' }).kind).toBe('quota');
    expect(inBand({ message: 'x', type: 'invalid_request_error', code: 'context_length_exceeded' }).kind).toBe('context_length');
    expect(inBand({ message: 'x' }).kind).toBe('server');
  });

  it('maps other statuses', () => {
    const byStatus = (status: number, body?: object) => mapOpenAIError(openai.APIError.generate(status, body ? { error: body } : undefined, undefined, new Headers()), context);
    expect(byStatus(402).kind).toBe('quota');
    expect(byStatus(422).kind).toBe('invalid_request');
    expect(byStatus(529).kind).toBe('overloaded');
    expect(byStatus(504).kind).toBe('server');
    expect(byStatus(418).kind).toBe('unknown');
    expect(byStatus(400, { message: 'no such model', code: 'model_not_found' }).name).toBe('ModelNotFoundError');
  });

  it('maps unknown values to unknown, and leaves a ProviderError as it is', () => {
    expect(mapOpenAIError(new RangeError('odd'), context).kind).toBe('unknown');
    expect(mapOpenAIError('a string', context).message).toBe('openai/gpt-4.1-nano: unexpected error: a string');
    const existing = new ProviderError({ message: 'm', provider: 'p', model: 'x', kind: 'quota' });
    expect(mapOpenAIError(existing, context)).toBe(existing);
  });
});
