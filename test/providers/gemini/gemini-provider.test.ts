import { getEventListeners } from 'node:events';
import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelNotFoundError } from '../../../src/errors/model-not-found-error.js';
import { ProviderError } from '../../../src/errors/provider-error.js';
import { GeminiProvider } from '../../../src/providers/gemini/gemini-provider.js';
import { createUsage } from '../../../src/spec/usage.js';
import { createMswServer } from '../../setup/msw-server.js';
import {
  collectStream,
  createGeminiProvider,
  geminiApiKey,
  geminiHandler,
  geminiModel,
  geminiOrigin,
  geminiRequest,
  geminiSdks,
  geminiSseEvent,
  geminiSseResponse,
  googleError,
  readRecorded,
  recordedChunks,
  textOf,
} from './gemini-test-helpers.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const recordedText = JSON.parse(readRecorded('google-text.json')) as { candidates: [{ content: { parts: [{ text: string }] } }] };
const recordedStreamText = 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y';

describe.each(geminiSdks)('GeminiProvider (sdk: %s)', (sdk) => {
  it('replays google-text.json: text, thoughts billed as output, finish, model', async () => {
    server.use(geminiHandler(() => new HttpResponse(readRecorded('google-text.json'), { headers: { 'content-type': 'application/json' } })));
    const result = await createGeminiProvider(sdk).doSend(geminiRequest());
    expect(result).toEqual({
      content: recordedText.candidates[0].content.parts[0].text,
      finishReason: 'stop',
      usage: createUsage({ inputTokens: 9, outputTokens: 28 + 244, totalTokens: 281, reasoningTokens: 244 }),
      responseModel: 'gemini-3-pro-preview',
    });
  });

  it('replays google-text.chunks.txt: no empty delta for the thought-signature part, last usage, one finish', async () => {
    server.use(geminiHandler(({ stream }) => (stream ? geminiSseResponse(recordedChunks('google-text.chunks.txt').map(geminiSseEvent)) : HttpResponse.error())));
    const { events, error } = await collectStream(createGeminiProvider(sdk).doStream(geminiRequest()));
    expect(error).toBeUndefined();
    expect(textOf(events)).toBe(recordedStreamText);
    expect(events.filter((event) => event.type === 'text-delta')).toHaveLength(2);
    const usages = events.filter((event) => event.type === 'usage');
    expect(usages.at(-1)).toEqual({ type: 'usage', usage: createUsage({ inputTokens: 9, outputTokens: 23 + 185, totalTokens: 217, reasoningTokens: 185 }) });
    expect(events.filter((event) => event.type === 'finish')).toEqual([{ type: 'finish', finishReason: 'stop', responseModel: 'gemini-3-pro-preview' }]);
    expect(events.at(-1)?.type).toBe('finish');
  });

  it('sends system as systemInstruction, assistant as model, and the generation config', async () => {
    let body: unknown;
    let url = '';
    let keyHeader: string | null = null;
    server.use(
      geminiHandler(async ({ request }) => {
        body = await request.json();
        url = request.url;
        keyHeader = request.headers.get('x-goog-api-key');
        return new HttpResponse(readRecorded('google-text.json'), { headers: { 'content-type': 'application/json' } });
      }),
    );
    await createGeminiProvider(sdk).doSend(
      geminiRequest({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'Count the r' },
          { role: 'user', content: 'in strawberry' },
        ],
        temperature: 0.2,
        maxTokens: 100,
        topP: 0.9,
        stop: ['END'],
      }),
    );
    expect(url).toBe(`${geminiOrigin}/v1beta/models/${geminiModel}:generateContent`);
    expect(keyHeader).toBe(geminiApiKey);
    const sent = body as Record<string, unknown>;
    // The SDKs add their own defaults (`safetySettings: []`, a `role` on systemInstruction): compare what we map.
    expect(sent.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello!' }] },
      { role: 'user', parts: [{ text: 'Count the r' }, { text: 'in strawberry' }] },
    ]);
    expect((sent.systemInstruction as { parts: unknown }).parts).toEqual([{ text: 'Be brief.' }]);
    expect(sent.generationConfig).toEqual({ temperature: 0.2, maxOutputTokens: 100, topP: 0.9, stopSequences: ['END'] });
  });

  it('throws content_filter with usage for a prompt blocked before any candidate', async () => {
    const blocked = { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 } };
    server.use(geminiHandler(({ stream }) => (stream ? geminiSseResponse([geminiSseEvent(JSON.stringify(blocked))]) : HttpResponse.json(blocked))));
    const provider = createGeminiProvider(sdk);
    const sendError = await provider.doSend(geminiRequest()).catch((error: unknown) => error);
    expect(sendError).toBeInstanceOf(ProviderError);
    expect(sendError).toMatchObject({ kind: 'content_filter', retryable: false, usage: createUsage({ inputTokens: 7, totalTokens: 7 }) });
    expect((sendError as Error).message).toContain('PROHIBITED_CONTENT');
    const { events, error } = await collectStream(provider.doStream(geminiRequest()));
    expect(events.filter((event) => event.type !== 'usage')).toEqual([]);
    expect(error).toMatchObject({ kind: 'content_filter', usage: createUsage({ inputTokens: 7, totalTokens: 7 }) });
  });

  it('throws content_filter for a SAFETY finish without text, and returns text cut by a filter', async () => {
    const safetyOnly = { candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'SAFETY', index: 0 }], usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } };
    server.use(geminiHandler(() => HttpResponse.json(safetyOnly)));
    const error = await createGeminiProvider(sdk).doSend(geminiRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'content_filter', usage: createUsage({ inputTokens: 5, totalTokens: 5 }) });

    const partial = { candidates: [{ content: { role: 'model', parts: [{ text: 'Some words' }] }, finishReason: 'RECITATION', index: 0 }] };
    server.use(geminiHandler(() => HttpResponse.json(partial)));
    const result = await createGeminiProvider(sdk).doSend(geminiRequest());
    expect(result).toMatchObject({ content: 'Some words', finishReason: 'content_filter' });
    expect(result.usage).toBeUndefined();
  });

  it('maps MAX_TOKENS to length in a stream', async () => {
    const chunk = { candidates: [{ content: { role: 'model', parts: [{ text: 'Once upon' }] }, finishReason: 'MAX_TOKENS', index: 0 }] };
    server.use(geminiHandler(() => geminiSseResponse([geminiSseEvent(JSON.stringify(chunk))])));
    const { events } = await collectStream(createGeminiProvider(sdk).doStream(geminiRequest()));
    expect(events).toEqual([
      { type: 'text-delta', text: 'Once upon' },
      { type: 'finish', finishReason: 'length' },
    ]);
  });

  it('maps google-429-retry-info.json (per-minute quota with RetryInfo) to rate_limit with retryAfterMs', async () => {
    server.use(geminiHandler(() => new HttpResponse(readRecorded('google-429-retry-info.json'), { status: 429, headers: { 'content-type': 'application/json' } })));
    const error = await createGeminiProvider(sdk).doSend(geminiRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'rate_limit', status: 429, retryAfterMs: 34_400, retryable: true, provider: 'gemini', model: geminiModel });
  });

  it('maps a daily quota without RetryInfo to quota', async () => {
    const details = [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }] }];
    server.use(geminiHandler(() => googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan.', details)));
    const error = await createGeminiProvider(sdk).doSend(geminiRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'quota', status: 429, retryable: false });
  });

  it('maps 400 API_KEY_INVALID to auth, without the key anywhere', async () => {
    const details = [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }];
    server.use(geminiHandler(() => googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', details)));
    const error = await createGeminiProvider(sdk).doSend(geminiRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'auth', status: 400 });
    expect(inspect(error, { depth: 10 })).not.toContain(geminiApiKey);
    expect(JSON.stringify(error)).not.toContain(geminiApiKey);
  });

  it('maps 400 FAILED_PRECONDITION "User location is not supported" to auth (skip this provider, not the call)', async () => {
    server.use(geminiHandler(() => googleError(400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.')));
    const error = await createGeminiProvider(sdk).doSend(geminiRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'auth', status: 400 });
  });

  it('scrubs the key from the SDK error kept as cause, not only from the message', async () => {
    server.use(geminiHandler(() => googleError(400, 'INVALID_ARGUMENT', `Invalid value at 'key' (${geminiApiKey})`)));
    const error = await createGeminiProvider(sdk).doSend(geminiRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_request', status: 400 });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(inspect(error, { depth: 5 })).not.toContain(geminiApiKey);
  });

  it('leaves no listener on a long-lived caller signal after several sends and streams', async () => {
    server.use(
      geminiHandler(({ stream }) =>
        stream ? geminiSseResponse(recordedChunks('google-text.chunks.txt').map(geminiSseEvent)) : new HttpResponse(readRecorded('google-text.json'), { headers: { 'content-type': 'application/json' } }),
      ),
    );
    const signal = new AbortController().signal;
    const provider = createGeminiProvider(sdk);
    for (let index = 0; index < 3; index++) {
      await provider.doSend(geminiRequest({ signal }));
      await collectStream(provider.doStream(geminiRequest({ signal })));
    }
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('throws ModelNotFoundError for 404', async () => {
    server.use(geminiHandler(() => googleError(404, 'NOT_FOUND', `models/${geminiModel} is not found for API version v1beta`)));
    const error = await createGeminiProvider(sdk).doSend(geminiRequest()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect(error).toMatchObject({ kind: 'not_found', status: 404 });
  });

  it('throws an in-band error chunk before any text as a retryable ProviderError', async () => {
    const inBand = JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } });
    server.use(geminiHandler(() => geminiSseResponse([geminiSseEvent(inBand)])));
    const { events, error } = await collectStream(createGeminiProvider(sdk).doStream(geminiRequest()));
    expect(events).toEqual([]);
    expect(error).toMatchObject({ kind: 'overloaded', retryable: true, status: 503 });
  });

  it.each(['before the call', 'while the request is in flight'])('reports an abort %s as kind aborted with the reason as cause', async (when) => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    server.use(
      geminiHandler(() => {
        arrived();
        return new Promise<Response>(() => {});
      }),
    );
    const controller = new AbortController();
    const reason = new Error('user gave up');
    const provider = createGeminiProvider(sdk);
    if (when === 'before the call') controller.abort(reason);
    const sending = provider.doSend(geminiRequest({ signal: controller.signal })).catch((caught: unknown) => caught);
    const streaming = collectStream(provider.doStream(geminiRequest({ signal: controller.signal })));
    if (when !== 'before the call') {
      await requestArrived;
      controller.abort(reason);
    }
    const sendError = await sending;
    expect(sendError).toMatchObject({ kind: 'aborted', retryable: false });
    expect((sendError as Error).cause).toBe(reason);
    const { events, error } = await streaming;
    expect(events).toEqual([]);
    expect(error).toMatchObject({ kind: 'aborted' });
  });

  it('lists generateContent models over all pages with the key in a header, not the URL', async () => {
    const seen: { url: string; key: string | null }[] = [];
    server.use(
      http.get(`${geminiOrigin}/v1beta/models`, ({ request }) => {
        const url = new URL(request.url);
        seen.push({ url: request.url, key: request.headers.get('x-goog-api-key') });
        if (url.searchParams.get('pageToken') === 'page-2') {
          return HttpResponse.json({ models: [{ name: 'models/gemini-2.5-pro', supportedGenerationMethods: ['generateContent', 'countTokens'] }] });
        }
        return HttpResponse.json({
          models: [
            { name: 'models/gemini-2.5-flash', supportedGenerationMethods: ['generateContent'] },
            { name: 'models/text-embedding-004', supportedGenerationMethods: ['embedContent'] },
            { name: 'tunedModels/my-tune', supportedGenerationMethods: ['generateContent'] },
          ],
          nextPageToken: 'page-2',
        });
      }),
    );
    expect(await createGeminiProvider(sdk).listModels()).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro']);
    expect(seen).toHaveLength(2);
    expect(seen.every((entry) => entry.key === geminiApiKey && !entry.url.includes(geminiApiKey))).toBe(true);
    expect(new URL(seen[1]!.url).searchParams.get('pageSize')).toBe('1000');
  });

  it('validates a model by its record: true on 200, false on 404, throws on 401', async () => {
    server.use(
      http.get(`${geminiOrigin}/v1beta/models/:name`, ({ params }) =>
        params.name === geminiModel ? HttpResponse.json({ name: `models/${geminiModel}` }) : googleError(404, 'NOT_FOUND', 'not found'),
      ),
    );
    const provider = createGeminiProvider(sdk);
    expect(await provider.validateModel(geminiModel)).toBe(true);
    expect(await provider.validateModel('gemini-nope')).toBe(false);
    server.use(http.get(`${geminiOrigin}/v1beta/models/:name`, () => googleError(401, 'UNAUTHENTICATED', 'bad credentials')));
    await expect(provider.validateModel(geminiModel)).rejects.toMatchObject({ kind: 'auth', status: 401 });
  });

  it('keeps the key out of inspect and JSON', () => {
    const provider = createGeminiProvider(sdk);
    expect(inspect(provider, { depth: 10, showHidden: true })).not.toContain(geminiApiKey);
    expect(JSON.stringify(provider)).not.toContain(geminiApiKey);
  });
});

describe('GeminiProvider without a key', () => {
  it('fails with kind auth before any request', async () => {
    const provider = new GeminiProvider({ name: 'gemini', baseUrl: geminiOrigin });
    await expect(provider.doSend(geminiRequest())).rejects.toMatchObject({ kind: 'auth', provider: 'gemini' });
  });

  it('defaults to the @google/generative-ai backend', () => {
    expect(new GeminiProvider({ name: 'gemini', apiKey: 'k' }).sdk).toBe('generative-ai');
  });
});

describe('the generateContent body each SDK sends', () => {
  const captureBody = async (sdk: 'generative-ai' | 'genai') => {
    let body: unknown;
    server.use(
      geminiHandler(async ({ request }) => {
        body = await request.json();
        return new HttpResponse(readRecorded('google-text.json'), { headers: { 'content-type': 'application/json' } });
      }),
    );
    await createGeminiProvider(sdk).doSend(
      geminiRequest({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'Count the r' },
        ],
        maxTokens: 100,
        stop: ['END'],
        providerOptions: { generationConfig: { thinkingConfig: { thinkingBudget: 0 } } },
      }),
    );
    return body;
  };

  it('@google/generative-ai', async () => {
    expect(await captureBody('generative-ai')).toMatchInlineSnapshot(`
      {
        "contents": [
          {
            "parts": [
              {
                "text": "Hi",
              },
            ],
            "role": "user",
          },
          {
            "parts": [
              {
                "text": "Hello!",
              },
            ],
            "role": "model",
          },
          {
            "parts": [
              {
                "text": "Count the r",
              },
            ],
            "role": "user",
          },
        ],
        "generationConfig": {
          "maxOutputTokens": 100,
          "stopSequences": [
            "END",
          ],
          "thinkingConfig": {
            "thinkingBudget": 0,
          },
        },
        "safetySettings": [],
        "systemInstruction": {
          "parts": [
            {
              "text": "Be brief.",
            },
          ],
          "role": "system",
        },
      }
    `);
  });

  it('@google/genai: the same body, without the empty safetySettings and the systemInstruction role', async () => {
    const legacy = (await captureBody('generative-ai')) as { safetySettings: unknown; systemInstruction: { role: string } };
    const { safetySettings: _safetySettings, systemInstruction, ...rest } = legacy;
    const { role: _role, ...instruction } = systemInstruction;
    expect(await captureBody('genai')).toEqual({ ...rest, systemInstruction: instruction });
  });
});
