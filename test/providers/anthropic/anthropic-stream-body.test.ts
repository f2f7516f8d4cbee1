import { getEventListeners } from 'node:events';
import { HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../../src/errors/provider-error.js';
import { createMswServer } from '../../setup/msw-server.js';
import {
  anthropicError,
  anthropicRequest,
  anthropicSseEvent,
  anthropicSseResponse,
  collectStream,
  createAnthropicProvider,
  messagesHandler,
  recordedChunks,
  textOf,
} from './anthropic-test-helpers.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const lines = recordedChunks('anthropic-text.chunks.txt');
/** `message_start` and the first text events of the recording. */
const firstLines = lines.slice(0, 4);

/** The SSE framing of an in-band error event with `data` as given. */
const errorEvent = (data: string) => `event: error\ndata: ${data}\n\n`;

describe('AnthropicProvider.doStream reading the SSE body itself', () => {
  it.each([
    ['rate_limit_error', 'rate_limit'],
    ['overloaded_error', 'overloaded'],
    ['invalid_request_error', 'invalid_request'],
    ['some_future_error', 'server'],
  ] as const)('turns an in-band %s into the SDK APIError (no status) and maps it to %s', async (type, kind) => {
    const events = [anthropicSseEvent(lines[0]!), errorEvent(JSON.stringify({ type: 'error', error: { type, message: 'Rate limited here' } }))];
    server.use(messagesHandler(() => anthropicSseResponse(events)));
    const { events: yielded, error } = await collectStream(createAnthropicProvider().doStream(anthropicRequest()));
    // The usage of message_start comes before the error, as from the SDK's iterator.
    expect(yielded.map((event) => event.type)).toEqual(['usage']);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind, provider: 'anthropic' });
    expect((error as ProviderError).status).toBeUndefined();
    expect((error as ProviderError).message).toContain('Rate limited here');
    const cause = (error as ProviderError).cause as { name?: string; type?: unknown; status?: unknown };
    expect(cause.name).toBe('APIError');
    expect(cause.type).toBe(type);
    expect(cause.status).toBeUndefined();
  });

  it('maps an in-band error whose data is not JSON to kind server', async () => {
    server.use(messagesHandler(() => anthropicSseResponse([errorEvent('upstream exploded')])));
    const { events, error } = await collectStream(createAnthropicProvider().doStream(anthropicRequest()));
    expect(events).toEqual([]);
    expect(error).toMatchObject({ kind: 'server' });
    expect((error as Error).message).toContain('upstream exploded');
  });

  it('throws on an event whose data is not JSON, after the text before it, without logging to the console', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const events = [...firstLines.map(anthropicSseEvent), 'event: content_block_delta\ndata: {"type":"content_block_delta",\n\n', ...lines.slice(4).map(anthropicSseEvent)];
      server.use(messagesHandler(() => anthropicSseResponse(events)));
      const { events: yielded, error } = await collectStream(createAnthropicProvider().doStream(anthropicRequest()));
      expect(textOf(yielded)).not.toBe('');
      expect(yielded.some((event) => event.type === 'finish')).toBe(false);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'unknown' });
      expect((error as ProviderError).cause).toBeInstanceOf(SyntaxError);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });

  it('maps a 429 on a stream request to rate_limit with retryAfterMs, before any event', async () => {
    server.use(messagesHandler(() => anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '3' })));
    const { events, error } = await collectStream(createAnthropicProvider().doStream(anthropicRequest()));
    expect(events).toEqual([]);
    expect(error).toMatchObject({ kind: 'rate_limit', status: 429, retryAfterMs: 3000, retryable: true });
  });

  it('parses events split across body chunks with CRLF line ends, ignoring pings and unnamed events', async () => {
    const whole = [
      anthropicSseEvent(lines[0]!),
      'event: ping\ndata: {"type": "ping"}\n\n',
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ignored"}}\n\n',
      ...lines.slice(1).map(anthropicSseEvent),
    ]
      .join('')
      .replace(/\n/g, '\r\n');
    // Cut every 7 characters: fields, line ends and `\r\n` pairs fall across chunks.
    const pieces = whole.match(/[\s\S]{1,7}/g) ?? [];
    server.use(messagesHandler(() => anthropicSseResponse(pieces)));
    const { events, error } = await collectStream(createAnthropicProvider().doStream(anthropicRequest()));
    expect(error).toBeUndefined();
    expect(textOf(events)).not.toContain('ignored');
    const reference = await collectStream(
      (() => {
        server.use(messagesHandler(() => anthropicSseResponse(lines.map(anthropicSseEvent))));
        return createAnthropicProvider().doStream(anthropicRequest());
      })(),
    );
    expect(events).toEqual(reference.events);
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('ends the request normally (no abort) when the consumer reads past message_stop', async () => {
    const requests: Request[] = [];
    server.use(
      messagesHandler(({ request }) => {
        requests.push(request);
        return anthropicSseResponse(lines.map(anthropicSseEvent));
      }),
    );
    const { events, error } = await collectStream(createAnthropicProvider().doStream(anthropicRequest()));
    expect(error).toBeUndefined();
    expect(events.at(-1)?.type).toBe('finish');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.signal.aborted).toBe(false);
  });

  it('aborts the upstream request each time a consumer breaks after the first text', async () => {
    const requests: Request[] = [];
    server.use(
      messagesHandler(({ request }) => {
        requests.push(request);
        return anthropicSseResponse(lines.map(anthropicSseEvent));
      }),
    );
    for (let round = 0; round < 2; round += 1) {
      const stream = createAnthropicProvider().doStream(anthropicRequest());
      for await (const event of stream) if (event.type === 'text-delta') break;
    }
    expect(requests).toHaveLength(2);
    expect(requests.map((request) => request.signal.aborted)).toEqual([true, true]);
  });

  it('does not touch the network when the signal is already aborted', async () => {
    let calls = 0;
    server.use(
      messagesHandler(() => {
        calls += 1;
        return HttpResponse.json({});
      }),
    );
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const { events, error } = await collectStream(createAnthropicProvider().doStream(anthropicRequest({ signal: controller.signal })));
    expect(events).toEqual([]);
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(calls).toBe(0);
  });
});

describe('AnthropicProvider.doSend with the caller signal passed straight to the SDK', () => {
  it('leaves no listener on a long-lived signal after sends that fail in every way', async () => {
    const answers = [
      () => anthropicError(500, 'api_error', 'Internal server error'),
      () => anthropicError(529, 'overloaded_error', 'Overloaded'),
      () => new HttpResponse('{"id": "msg_', { headers: { 'content-type': 'application/json' } }),
      () => HttpResponse.error(),
    ];
    let index = 0;
    server.use(messagesHandler(() => answers[index++ % answers.length]!()));
    const signal = new AbortController().signal;
    const provider = createAnthropicProvider();
    const kinds: string[] = [];
    for (let round = 0; round < answers.length * 3; round += 1) {
      const error = await provider.doSend(anthropicRequest({ signal })).catch((caught: unknown) => caught);
      kinds.push((error as ProviderError).kind);
    }
    expect(kinds.slice(0, 4)).toEqual(['server', 'overloaded', 'network', 'network']);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('aborts the HTTP request when the signal fires while the answer is awaited', async () => {
    let received: Request | undefined;
    let arrived = () => {};
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    server.use(
      messagesHandler(async ({ request }) => {
        received = request;
        arrived();
        await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
        return HttpResponse.json({});
      }),
    );
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const pending = createAnthropicProvider()
      .doSend(anthropicRequest({ signal: controller.signal }))
      .catch((caught: unknown) => caught);
    await requestArrived;
    controller.abort(reason);
    const error = await pending;
    expect(error).toMatchObject({ kind: 'aborted' });
    expect((error as Error).cause).toBe(reason);
    expect(received?.signal.aborted).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('AnthropicProvider: malformed answers are ProviderErrors', () => {
  it('a named event whose data is null fails the stream with a ProviderError', async () => {
    server.use(messagesHandler(() => anthropicSseResponse(['event: message_start\ndata: null\n\n'])));
    const { error } = await collectStream(createAnthropicProvider().doStream(anthropicRequest()));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'unknown', provider: 'anthropic' });
  });

  it('an `event: error` without a data line fails the stream (kind server), as the SDK iterator does', async () => {
    server.use(messagesHandler(() => anthropicSseResponse([anthropicSseEvent(lines[0] as string), 'event: error\n\n', ...lines.slice(1).map(anthropicSseEvent)])));
    const { events, error } = await collectStream(createAnthropicProvider().doStream(anthropicRequest()));
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ kind: 'server' });
  });

  it('doSend: a 200 whose body is an HTML page is a ProviderError, not a TypeError', async () => {
    server.use(messagesHandler(() => new HttpResponse('<html>proxy</html>', { headers: { 'content-type': 'text/html' } })));
    const error = await createAnthropicProvider()
      .doSend(anthropicRequest())
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(ProviderError);
  });
});

