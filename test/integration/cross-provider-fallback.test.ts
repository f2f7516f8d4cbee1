import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { createMswServer } from '../setup/msw-server.js';
import { readRecorded, recordedLines } from '../setup/recorded-fixtures.js';

const OPENAI = 'https://openai.test/v1';
const ANTHROPIC = 'https://anthropic.test';
const GEMINI = 'https://gemini.test';
const hits: string[] = [];

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  hits.length = 0;
});
afterAll(() => server.close());

const openaiDown = http.post(`${OPENAI}/chat/completions`, () => {
  hits.push('openai');
  return HttpResponse.json({ error: { message: 'The server had an error', type: 'server_error', param: null, code: null } }, { status: 500 });
});

const anthropicOverloaded = http.post(`${ANTHROPIC}/v1/messages`, () => {
  hits.push('anthropic');
  return HttpResponse.json({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, { status: 529 });
});

/** Anthropic's stream that opens, then fails in-band before any text. */
const anthropicInBandError = http.post(`${ANTHROPIC}/v1/messages`, () => {
  hits.push('anthropic');
  const start = recordedLines('anthropic-text.chunks.txt')[0]!;
  const body =
    `event: message_start\ndata: ${start}\n\n` +
    `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`;
  return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
});

const geminiAnswers = http.post(`${GEMINI}/v1beta/models/:call`, ({ params }) => {
  hits.push('gemini');
  if (String(params.call).endsWith(':streamGenerateContent')) {
    const body = recordedLines('google-text.chunks.txt').map((line) => `data: ${line}\r\n\r\n`).join('');
    return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
  }
  return HttpResponse.json(JSON.parse(readRecorded('google-text.json')));
});

function orchestrator(sdk: 'generative-ai' | 'genai') {
  return new LLMOrchestrator(
    {
      active_provider: 'openai',
      cross_provider_fallback: true,
      provider_order: ['openai', 'anthropic', 'gemini'],
      providers: {
        openai: { base_url: OPENAI, api_key: 'sk-openai-test', fallback_models: ['gpt-4o-mini'] },
        anthropic: { base_url: ANTHROPIC, api_key: 'sk-ant-test', fallback_models: ['claude-haiku-4-5-20251001'] },
        gemini: { base_url: GEMINI, api_key: 'AIza-test', sdk, fallback_models: ['gemini-2.5-flash'] },
      },
      retry: { max_attempts: 1 },
    },
    { logger: { warn() {} } },
  );
}

describe.each(['generative-ai', 'genai'] as const)('cross-provider fallback openai -> anthropic -> gemini (%s)', (sdk) => {
  it('send: 500, then 529, then the recorded Gemini answer with its usage mapped', async () => {
    server.use(openaiDown, anthropicOverloaded, geminiAnswers);
    const orch = orchestrator(sdk);
    const res = await orch.send({ messages: [{ role: 'user', content: 'How many r in strawberry?' }] });
    expect(hits).toEqual(['openai', 'anthropic', 'gemini']);
    expect(res).toMatchObject({
      provider: 'gemini',
      model: 'gemini-2.5-flash',
      content: 'There are **3** r\'s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.',
      usage: { inputTokens: 9, outputTokens: 272, reasoningTokens: 244, totalTokens: 281 },
    });
    expect(res.attempts.map((a) => `${a.provider}:${a.status}:${a.error?.kind ?? ''}`)).toEqual([
      'openai:error:server',
      'anthropic:error:overloaded',
      'gemini:ok:',
    ]);
    expect(orch.tracker.records().map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('stream: an in-band Anthropic error before text falls back invisibly to Gemini', async () => {
    server.use(openaiDown, anthropicInBandError, geminiAnswers);
    const orch = orchestrator(sdk);
    const stream = orch.stream({ messages: [{ role: 'user', content: 'How many r in strawberry?' }] });
    const chunks: string[] = [];
    for await (const chunk of stream) {
      expect(chunk.provider).toBe('gemini');
      chunks.push(chunk.text);
    }
    expect(chunks.join('')).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    const done = await stream.response;
    expect(done.usage).toMatchObject({ inputTokens: 9, outputTokens: 23 + 185, reasoningTokens: 185 });
    expect(done.attempts.map((a) => `${a.provider}:${a.error?.kind ?? 'ok'}`)).toEqual(['openai:server', 'anthropic:overloaded', 'gemini:ok']);
    // The in-band error arrived after message_start: its input usage is billed on the failed attempt.
    expect(orch.tracker.records()[1]).toMatchObject({ provider: 'anthropic', status: 'error', input_tokens: 12 });
  });
});
