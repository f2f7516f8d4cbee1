import { getEventListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mapOpenAIFinishReason } from '../../../src/providers/openai/map-openai-finish-reason.js';
import { mapOpenAIUsage } from '../../../src/providers/openai/map-openai-usage.js';
import { OpenAIProvider } from '../../../src/providers/openai/openai-provider.js';
import type { ProviderStreamEvent } from '../../../src/spec/provider-stream-event.js';
import { createUsage } from '../../../src/spec/usage.js';
import { createMswServer } from '../../setup/msw-server.js';
import { openAIMockOrigin, recordedChunkLines, sseEvents, streamHandler, textOfChunkLines } from './openai-recorded.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const provider = () => new OpenAIProvider({ name: 'openai', apiKey: 'sk-test', baseUrl: `${openAIMockOrigin}/v1` });
const request = () => ({ model: 'gpt-4.1-nano', messages: [{ role: 'user' as const, content: 'Hi' }], signal: new AbortController().signal });

async function events(): Promise<ProviderStreamEvent[]> {
  const collected: ProviderStreamEvent[] = [];
  for await (const event of provider().doStream(request())) collected.push(event);
  return collected;
}

const usageChunk = JSON.stringify({
  id: 'c',
  object: 'chat.completion.chunk',
  model: 'o3-mini-2025-01-31',
  choices: [],
  usage: { prompt_tokens: 2000, completion_tokens: 500, total_tokens: 2500, prompt_tokens_details: { cached_tokens: 1536 }, completion_tokens_details: { reasoning_tokens: 320 } },
});
const chunk = (delta: object, finishReason: string | null = null) =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'o3-mini-2025-01-31', choices: [{ index: 0, delta, finish_reason: finishReason }], usage: null });

describe('OpenAI stream', () => {
  it('replays the recorded stream: text, then usage, then finish with the response model', async () => {
    server.use(streamHandler(sseEvents(recordedChunkLines, true)));
    const collected = await events();
    const text = collected.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(text).toBe(textOfChunkLines(recordedChunkLines));
    expect(text.startsWith('**Holiday Name:**')).toBe(true);
    expect(collected.slice(-2)).toEqual([
      { type: 'usage', usage: createUsage({ inputTokens: 16, outputTokens: 300, totalTokens: 316 }) },
      { type: 'finish', finishReason: 'stop', responseModel: 'gpt-4.1-nano-2025-04-14' },
    ]);
  });

  it('maps cached and reasoning tokens, and a length finish that arrives before the usage chunk', async () => {
    server.use(streamHandler(sseEvents([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'length'), usageChunk], true)));
    expect(await events()).toEqual([
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'usage', usage: { inputTokens: 2000, outputTokens: 500, totalTokens: 2500, cacheReadTokens: 1536, cacheWriteTokens: 0, reasoningTokens: 320 } },
      { type: 'finish', finishReason: 'length', responseModel: 'o3-mini-2025-01-31' },
    ]);
  });

  it('yields no finish when [DONE] never arrives, even after the usage chunk', async () => {
    server.use(streamHandler(sseEvents([chunk({ content: 'Hi' }), chunk({}, 'stop'), usageChunk], false)));
    const collected = await events();
    expect(collected.map((event) => event.type)).toEqual(['text-delta', 'usage']);
  });

  it('throws an in-band error that arrives after text (the orchestrator reports the interruption)', async () => {
    const rateLimited = JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
    server.use(streamHandler([...sseEvents([chunk({ content: 'Hi' })], false), `data: ${rateLimited}\n\n`]));
    const collected: ProviderStreamEvent[] = [];
    const error = await (async () => {
      for await (const event of provider().doStream(request())) collected.push(event);
    })().catch((thrown: unknown) => thrown);
    expect(collected).toEqual([{ type: 'text-delta', text: 'Hi' }]);
    expect(error).toMatchObject({ name: 'ProviderError', kind: 'rate_limit', retryable: true });
    expect((error as Error).message).toBe('openai/gpt-4.1-nano: error inside the stream rate_limit_exceeded: Rate limit reached');
  });

  it('treats any failure while reading the body as kind network', async () => {
    const { http, HttpResponse } = await import('msw');
    const encoder = new TextEncoder();
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error('socket hang up'));
        sent = true;
        controller.enqueue(encoder.encode(`data: ${chunk({ content: 'Hi' })}\n\n`));
      },
    });
    server.use(http.post(`${openAIMockOrigin}/v1/chat/completions`, () => new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } })));
    await expect(events()).rejects.toMatchObject({ kind: 'network', message: 'openai/gpt-4.1-nano: the stream broke off: socket hang up' });
  });

  it('leaves no listener on the caller’s signal after a send and a stream', async () => {
    const { http, HttpResponse } = await import('msw');
    const { recordedCompletion } = await import('./openai-recorded.js');
    const signal = new AbortController().signal;
    server.use(http.post(`${openAIMockOrigin}/v1/chat/completions`, async ({ request: incoming }) => {
      const body = (await incoming.json()) as { stream?: boolean };
      return body.stream ? new HttpResponse(sseEvents(recordedChunkLines, true).join(''), { headers: { 'content-type': 'text/event-stream' } }) : HttpResponse.json(recordedCompletion);
    }));
    const adapter = provider();
    for (let index = 0; index < 3; index += 1) {
      await adapter.doSend({ ...request(), signal });
      for await (const event of adapter.doStream({ ...request(), signal })) void event;
    }
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('treats unparsable data as kind unknown', async () => {
    server.use(streamHandler(['data: {not json\n\n', 'data: [DONE]\n\n']));
    await expect(events()).rejects.toMatchObject({ kind: 'unknown' });
  });
});

describe('OpenAI usage and finish reason mapping', () => {
  it('keeps OpenAI’s inclusive counts as they are', () => {
    expect(mapOpenAIUsage({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } })).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      totalTokens: 15,
      cacheReadTokens: 4,
      cacheWriteTokens: 0,
      reasoningTokens: 2,
    });
    expect(mapOpenAIUsage({ prompt_tokens: 3, completion_tokens: 4 })?.totalTokens).toBe(7);
    expect(mapOpenAIUsage(null)).toBeUndefined();
  });

  it('maps every finish reason', () => {
    expect(['stop', 'length', 'content_filter', 'tool_calls', 'function_call', null, 'weird'].map(mapOpenAIFinishReason)).toEqual([
      'stop',
      'length',
      'content_filter',
      'tool_calls',
      'tool_calls',
      'other',
      'other',
    ]);
  });
});
