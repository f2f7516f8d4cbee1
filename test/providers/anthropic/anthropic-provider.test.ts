import { getEventListeners } from 'node:events';
import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';
import { ModelNotFoundError } from '../../../src/errors/model-not-found-error.js';
import { ProviderError } from '../../../src/errors/provider-error.js';
import { ANTHROPIC_DEFAULT_MAX_TOKENS } from '../../../src/providers/anthropic/anthropic-default-max-tokens.js';
import { mapAnthropicError } from '../../../src/providers/anthropic/map-anthropic-error.js';
import { createUsage } from '../../../src/spec/usage.js';
import { createMswServer } from '../../setup/msw-server.js';
import {
  anthropicApiKey,
  anthropicError,
  anthropicModel,
  anthropicOrigin,
  anthropicRequest,
  anthropicSseEvent,
  anthropicSseResponse,
  collectStream,
  createAnthropicProvider,
  messagesHandler,
  readRecorded,
  recordedChunks,
  textOf,
} from './anthropic-test-helpers.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const jsonResponse = (name: string) => new HttpResponse(readRecorded(name), { headers: { 'content-type': 'application/json' } });
const recordedStream = (name: string) => anthropicSseResponse(recordedChunks(name).map(anthropicSseEvent));

describe('AnthropicProvider', () => {
  it('replays anthropic-text.json', async () => {
    server.use(messagesHandler(() => jsonResponse('anthropic-text.json')));
    const result = await createAnthropicProvider().doSend(anthropicRequest());
    expect(result).toEqual({
      content: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
      finishReason: 'stop',
      usage: createUsage({ inputTokens: 12, outputTokens: 29 }),
      responseModel: 'claude-sonnet-4-5-20250929',
    });
  });

  it('replays anthropic-text.chunks.txt: pings ignored, last usage, finish on message_stop', async () => {
    server.use(messagesHandler(() => recordedStream('anthropic-text.chunks.txt')));
    const { events, error } = await collectStream(createAnthropicProvider().doStream(anthropicRequest()));
    expect(error).toBeUndefined();
    expect(textOf(events)).toBe("Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
    expect(events.filter((event) => event.type === 'text-delta').every((event) => event.type === 'text-delta' && event.text !== '')).toBe(true);
    expect(events.filter((event) => event.type === 'usage').at(-1)).toEqual({ type: 'usage', usage: createUsage({ inputTokens: 12, outputTokens: 30 }) });
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', responseModel: 'claude-sonnet-4-5-20250929' });
    expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
  });

  it('replays anthropic-message-delta-input-tokens.chunks.txt: message_delta input_tokens wins', async () => {
    server.use(messagesHandler(() => recordedStream('anthropic-message-delta-input-tokens.chunks.txt')));
    const { events } = await collectStream(createAnthropicProvider().doStream(anthropicRequest()));
    expect(textOf(events)).toBe('pong');
    const usages = events.filter((event) => event.type === 'usage');
    expect(usages[0]).toEqual({ type: 'usage', usage: createUsage({ inputTokens: 43, outputTokens: 1 }) });
    expect(usages.at(-1)).toEqual({ type: 'usage', usage: createUsage({ inputTokens: 61, outputTokens: 2 }) });
  });

  it('adds cache reads and writes into inputTokens', async () => {
    const message = JSON.parse(readRecorded('anthropic-text.json')) as { usage: Record<string, number> };
    message.usage = { input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 5 };
    server.use(messagesHandler(() => HttpResponse.json(message)));
    const result = await createAnthropicProvider().doSend(anthropicRequest());
    expect(result.usage).toEqual(createUsage({ inputTokens: 130, outputTokens: 5, cacheReadTokens: 100, cacheWriteTokens: 20 }));
  });

  it('throws content_filter with usage for anthropic-refusal.json and its stream', async () => {
    server.use(messagesHandler(({ stream }) => (stream ? recordedStream('anthropic-refusal.chunks.txt') : jsonResponse('anthropic-refusal.json'))));
    const provider = createAnthropicProvider();
    const sendError = await provider.doSend(anthropicRequest()).catch((caught: unknown) => caught);
    expect(sendError).toBeInstanceOf(ProviderError);
    expect(sendError).toMatchObject({ kind: 'content_filter', retryable: false, usage: createUsage({ inputTokens: 18, outputTokens: 5 }) });
    const { events, error } = await collectStream(provider.doStream(anthropicRequest()));
    expect(events.some((event) => event.type === 'text-delta' || event.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ kind: 'content_filter', usage: createUsage({ inputTokens: 18, outputTokens: 5 }) });
  });

  it('returns a refusal that comes after some text with finishReason content_filter', async () => {
    const message = { ...(JSON.parse(readRecorded('anthropic-refusal.json')) as object), content: [{ type: 'text', text: 'I started, but' }] };
    server.use(messagesHandler(() => HttpResponse.json(message)));
    const result = await createAnthropicProvider().doSend(anthropicRequest());
    expect(result).toMatchObject({ content: 'I started, but', finishReason: 'content_filter' });
  });

  it('sends system as `system`, merges same-role turns and defaults max_tokens', async () => {
    const bodies: Record<string, unknown>[] = [];
    server.use(
      messagesHandler(({ body }) => {
        bodies.push(body);
        return jsonResponse('anthropic-text.json');
      }),
    );
    const provider = createAnthropicProvider();
    await provider.doSend(
      anthropicRequest({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'user', content: 'Are you there?' },
          { role: 'system', content: 'Answer in English.' },
          { role: 'assistant', content: 'Yes.' },
          { role: 'user', content: 'Good' },
        ],
        temperature: 0.3,
        topP: 0.8,
        stop: ['END'],
        providerOptions: { top_k: 5 },
      }),
    );
    await provider.doSend(anthropicRequest({ maxTokens: 50 }));
    expect(bodies[0]).toMatchInlineSnapshot(`
      {
        "max_tokens": 4096,
        "messages": [
          {
            "content": [
              {
                "text": "Hi",
                "type": "text",
              },
              {
                "text": "Are you there?",
                "type": "text",
              },
            ],
            "role": "user",
          },
          {
            "content": "Yes.",
            "role": "assistant",
          },
          {
            "content": "Good",
            "role": "user",
          },
        ],
        "model": "claude-haiku-4-5-20251001",
        "stop_sequences": [
          "END",
        ],
        "stream": false,
        "system": "Be brief.

      Answer in English.",
        "temperature": 0.3,
        "top_k": 5,
        "top_p": 0.8,
      }
    `);
    expect(bodies[0]?.max_tokens).toBe(ANTHROPIC_DEFAULT_MAX_TOKENS);
    expect(bodies[1]?.max_tokens).toBe(50);
  });

  it('keeps `stream` its own and copies providerOptions as plain fields (`__proto__` included)', async () => {
    const bodies: string[] = [];
    server.use(
      http.post(`${anthropicOrigin}/v1/messages`, async ({ request }) => {
        bodies.push(await request.text());
        return jsonResponse('anthropic-text.json');
      }),
    );
    const options = JSON.parse('{"stream": true, "top_k": 3, "__proto__": {"polluted": 1}}') as Record<string, unknown>;
    await createAnthropicProvider().doSend(anthropicRequest({ providerOptions: options }));
    await createAnthropicProvider().doSend(anthropicRequest());
    const [withOptions, plain] = bodies.map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(withOptions?.stream).toBe(false);
    expect(withOptions?.top_k).toBe(3);
    expect(Object.hasOwn(withOptions ?? {}, '__proto__')).toBe(true);
    expect(plain).toEqual({ model: anthropicModel, max_tokens: ANTHROPIC_DEFAULT_MAX_TOKENS, messages: [{ role: 'user', content: 'Hello, how are you?' }], stream: false });
  });

  it('joins the text blocks of an answer, skipping other blocks and text blocks without text', async () => {
    const recorded = JSON.parse(readRecorded('anthropic-text.json')) as Record<string, unknown>;
    const content = [
      { type: 'text', text: 'one ' },
      { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} },
      { type: 'text' },
      { type: 'text', text: 'two' },
    ];
    server.use(messagesHandler(() => HttpResponse.json({ ...recorded, content })));
    expect((await createAnthropicProvider().doSend(anthropicRequest())).content).toBe('one two');
  });

  it('fails with kind unknown, naming what it got, when the answer’s content is not a list of blocks', async () => {
    const recorded = JSON.parse(readRecorded('anthropic-text.json')) as Record<string, unknown>;
    for (const [content, named] of [
      ['plain text', 'string'],
      [null, 'null'],
    ] as const) {
      server.use(messagesHandler(() => HttpResponse.json({ ...recorded, content })));
      const failure = await createAnthropicProvider()
        .doSend(anthropicRequest())
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ProviderError);
      expect(failure).toMatchObject({ kind: 'unknown' });
      expect((failure as ProviderError).message).toContain(`not a list of blocks (${named})`);
    }
  });

  it('sends the key (SDK 1.x: as a Bearer token) and makes exactly one attempt on 529', async () => {
    let calls = 0;
    let key: string | null = null;
    server.use(
      messagesHandler(({ request }) => {
        calls++;
        key = request.headers.get('authorization');
        return anthropicError(529, 'overloaded_error', 'Overloaded');
      }),
    );
    const error = await createAnthropicProvider().doSend(anthropicRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'overloaded', status: 529, retryable: true });
    expect(calls).toBe(1);
    expect(key).toBe(`Bearer ${anthropicApiKey}`);
  });

  it.each([
    [400, 'invalid_request_error', 'messages: field required', 'invalid_request'],
    [400, 'invalid_request_error', 'prompt is too long: 250000 tokens > 200000 maximum', 'context_length'],
    [400, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API.', 'quota'],
    [401, 'authentication_error', 'invalid x-api-key', 'auth'],
    [403, 'permission_error', 'Your API key does not have permission to use the specified resource.', 'auth'],
    [409, 'api_error', 'Conflict', 'server'],
    [413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.', 'context_length'],
    [500, 'api_error', 'Internal server error', 'server'],
  ] as const)('maps %i %s (%s) to %s', async (status, type, message, kind) => {
    server.use(messagesHandler(() => anthropicError(status, type, message)));
    const error = await createAnthropicProvider().doSend(anthropicRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind, status, provider: 'anthropic', model: anthropicModel });
  });

  it('maps 429 with retry-after to rate_limit with retryAfterMs', async () => {
    server.use(messagesHandler(() => anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '7' })));
    const error = await createAnthropicProvider().doSend(anthropicRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'rate_limit', status: 429, retryAfterMs: 7000, retryable: true });
  });

  it('throws ModelNotFoundError for 404', async () => {
    server.use(messagesHandler(() => anthropicError(404, 'not_found_error', 'model: claude-nope')));
    const error = await createAnthropicProvider().doSend(anthropicRequest({ model: 'claude-nope' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect(error).toMatchObject({ kind: 'not_found', model: 'claude-nope' });
  });

  it.each([
    ['overloaded_error', 'overloaded'],
    ['api_error', 'server'],
  ] as const)('throws an in-band %s before any text as a retryable %s error', async (type, kind) => {
    const events = [
      recordedChunks('anthropic-text.chunks.txt')[0]!,
      JSON.stringify({ type: 'error', error: { type, message: 'Overloaded' } }),
    ].map(anthropicSseEvent);
    server.use(messagesHandler(() => anthropicSseResponse(events)));
    const { events: yielded, error } = await collectStream(createAnthropicProvider().doStream(anthropicRequest()));
    expect(yielded.some((event) => event.type === 'text-delta')).toBe(false);
    expect(error).toMatchObject({ kind, retryable: true });
  });

  it('reports an abort during a stream as kind aborted, not as a quiet end', async () => {
    const controller = new AbortController();
    const lines = recordedChunks('anthropic-text.chunks.txt');
    server.use(messagesHandler(() => anthropicSseResponse(lines.slice(0, 4).map(anthropicSseEvent).concat(['']))));
    const reason = new Error('stop');
    const events: string[] = [];
    let caught: unknown;
    try {
      for await (const event of createAnthropicProvider().doStream(anthropicRequest({ signal: controller.signal }))) {
        events.push(event.type);
        if (event.type === 'text-delta') controller.abort(reason);
      }
    } catch (error) {
      caught = error;
    }
    expect(events).toContain('text-delta');
    expect(events).not.toContain('finish');
    expect(caught).toMatchObject({ kind: 'aborted' });
    expect((caught as Error).cause).toBe(reason);
  });

  it('lists models over every page (has_more / last_id / after_id)', async () => {
    const afterIds: (string | null)[] = [];
    server.use(
      http.get(`${anthropicOrigin}/v1/models`, ({ request }) => {
        const afterId = new URL(request.url).searchParams.get('after_id');
        afterIds.push(afterId);
        if (afterId === null) {
          return HttpResponse.json({
            data: [
              { type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
              { type: 'model', id: 'claude-opus-4-1-20250805', display_name: 'Claude Opus 4.1', created_at: '2025-08-05T00:00:00Z' },
            ],
            has_more: true,
            first_id: 'claude-sonnet-4-5-20250929',
            last_id: 'claude-opus-4-1-20250805',
          });
        }
        return HttpResponse.json({
          data: [{ type: 'model', id: 'claude-3-5-haiku-20241022', display_name: 'Claude Haiku 3.5', created_at: '2024-10-22T00:00:00Z' }],
          has_more: false,
          first_id: 'claude-3-5-haiku-20241022',
          last_id: 'claude-3-5-haiku-20241022',
        });
      }),
    );
    expect(await createAnthropicProvider().listModels()).toEqual(['claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-3-5-haiku-20241022']);
    expect(afterIds).toEqual([null, 'claude-opus-4-1-20250805']);
  });

  it('validates a model by its record: true on 200, false on 404', async () => {
    server.use(
      http.get(`${anthropicOrigin}/v1/models/:id`, ({ params }) =>
        params.id === anthropicModel
          ? HttpResponse.json({ type: 'model', id: anthropicModel, display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' })
          : anthropicError(404, 'not_found_error', `model: ${String(params.id)}`),
      ),
    );
    const provider = createAnthropicProvider();
    expect(await provider.validateModel(anthropicModel)).toBe(true);
    expect(await provider.validateModel('claude-nope')).toBe(false);
  });

  it('keeps the key out of errors, inspect and JSON', async () => {
    server.use(messagesHandler(() => anthropicError(401, 'authentication_error', 'invalid x-api-key')));
    const provider = createAnthropicProvider();
    const error = await provider.doSend(anthropicRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'auth' });
    expect(inspect(error, { depth: 10 })).not.toContain(anthropicApiKey);
    expect(inspect(provider, { depth: 10, showHidden: true })).not.toContain(anthropicApiKey);
    expect(JSON.stringify(provider)).not.toContain(anthropicApiKey);
  });
});

describe('AnthropicProvider hygiene', () => {
  it('lets a ConfigurationError (SDK not installed) through the error mapping unchanged', () => {
    const missing = new ConfigurationError([{ path: 'providers.anthropic', message: "the package '@anthropic-ai/sdk' is not installed" }]);
    let thrown: unknown;
    try {
      mapAnthropicError(missing, { provider: 'anthropic', model: anthropicModel });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(missing);
  });

  it('scrubs the key from the SDK error kept as cause, not only from the message', async () => {
    server.use(messagesHandler(() => anthropicError(400, 'invalid_request_error', `unexpected header value ${anthropicApiKey}`)));
    const error = await createAnthropicProvider().doSend(anthropicRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_request' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    const printed = inspect(error, { depth: 5 });
    expect(printed).toContain('unexpected header value [redacted]');
    expect(printed).not.toContain(anthropicApiKey);
  });

  it('leaves no listener on a long-lived caller signal after several sends and streams', async () => {
    server.use(messagesHandler(({ stream }) => (stream ? recordedStream('anthropic-text.chunks.txt') : jsonResponse('anthropic-text.json'))));
    const signal = new AbortController().signal;
    const provider = createAnthropicProvider();
    for (let index = 0; index < 3; index++) {
      await provider.doSend(anthropicRequest({ signal }));
      await collectStream(provider.doStream(anthropicRequest({ signal })));
    }
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
