import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { OpenAIProvider } from '../../../src/providers/openai/openai-provider.js';
import type { ProviderRequest } from '../../../src/spec/provider-request.js';
import { createMswServer } from '../../setup/msw-server.js';
import { recordedChunkLines, recordedCompletion, sseBody, sseEvents, streamHeaders } from './openai-recorded.js';

interface Captured {
  url: string;
  authorization: string | null;
  body: unknown;
}

const captured: Captured[] = [];
const capture = async (request: Request) => {
  captured.push({ url: request.url, authorization: request.headers.get('authorization'), body: await request.json() });
};
const server = createMswServer(
  http.post('https://proxy.test/openai/v1/chat/completions', async ({ request }) => {
    await capture(request);
    const body = captured.at(-1)?.body as { stream?: boolean };
    return body.stream ? new HttpResponse(sseBody(sseEvents(recordedChunkLines, true)), { headers: streamHeaders }) : HttpResponse.json(recordedCompletion);
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  captured.length = 0;
});
afterAll(() => server.close());

const provider = new OpenAIProvider({ name: 'together', type: 'openai', apiKey: 'sk-test', baseUrl: 'https://proxy.test/openai/v1' });
const request: ProviderRequest = {
  model: 'gpt-4.1-nano',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hello' },
    { role: 'assistant', content: 'Hi.' },
    { role: 'user', content: 'Invent a holiday.' },
  ],
  temperature: 0.2,
  maxTokens: 400,
  topP: 0.9,
  stop: ['END'],
  signal: new AbortController().signal,
  providerOptions: { seed: 7, user: 'tenant-1' },
};

describe('OpenAI request mapping', () => {
  it('sends messages, sampling fields and providerOptions to base_url + /chat/completions with the key', async () => {
    await provider.doSend(request);
    expect(captured).toHaveLength(1);
    expect(captured[0]?.url).toBe('https://proxy.test/openai/v1/chat/completions');
    expect(captured[0]?.authorization).toBe('Bearer sk-test');
    expect(captured[0]?.body).toMatchInlineSnapshot(`
      {
        "max_tokens": 400,
        "messages": [
          {
            "content": "Be brief.",
            "role": "system",
          },
          {
            "content": "Hello",
            "role": "user",
          },
          {
            "content": "Hi.",
            "role": "assistant",
          },
          {
            "content": "Invent a holiday.",
            "role": "user",
          },
        ],
        "model": "gpt-4.1-nano",
        "seed": 7,
        "stop": [
          "END",
        ],
        "temperature": 0.2,
        "top_p": 0.9,
        "user": "tenant-1",
      }
    `);
  });

  it('asks for the usage chunk when streaming', async () => {
    for await (const event of provider.doStream(request)) void event;
    expect(captured[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true }, max_tokens: 400, seed: 7 });
  });

  it('takes providerOptions of null (a caller of the adapter outside the orchestrator) as none', async () => {
    const withNull = { model: 'gpt-4.1-nano', messages: [{ role: 'user' as const, content: 'Hi' }], signal: new AbortController().signal, providerOptions: null };
    await provider.doSend(withNull as unknown as ProviderRequest);
    expect(captured[0]?.body).toEqual({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('sends a providerOptions key named `__proto__` as a plain field', async () => {
    const providerOptions = JSON.parse('{"__proto__": {"tier": "x"}, "seed": 1}') as Record<string, unknown>;
    await provider.doSend({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }], signal: new AbortController().signal, providerOptions });
    const body = captured[0]?.body as Record<string, unknown>;
    expect(Object.hasOwn(body, '__proto__')).toBe(true);
    expect(body.seed).toBe(1);
  });

  it('leaves out fields the request does not set', async () => {
    await provider.doSend({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }], signal: new AbortController().signal });
    expect(captured[0]?.body).toEqual({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('lets providerOptions replace max_tokens by max_completion_tokens but not touch model, messages or stream', async () => {
    const options = { max_completion_tokens: 50, reasoning_effort: 'low', model: 'other', messages: [], stream: false, stream_options: {} };
    for await (const event of provider.doStream({ ...request, providerOptions: options })) void event;
    const body = captured[0]?.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('max_tokens');
    expect(body).toMatchObject({ max_completion_tokens: 50, reasoning_effort: 'low', model: 'gpt-4.1-nano', stream: true, stream_options: { include_usage: true } });
    expect(body.messages).toHaveLength(4);
  });

  it('reports its name and type', () => {
    expect(provider.name).toBe('together');
    expect(provider.type).toBe('openai');
    expect(new OpenAIProvider({ name: 'openai' }).type).toBe('openai');
  });
});
