import { getEventListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';
import { ProviderError } from '../../../src/errors/provider-error.js';
import { VertexProvider } from '../../../src/providers/vertex/vertex-provider.js';
import { createMswServer } from '../../setup/msw-server.js';
import {
  collectStream,
  createVertexProvider,
  generateHandler,
  isStreamUrl,
  readRecorded,
  recordedChunks,
  sseEvent,
  sseResponse,
  vertexModel,
  vertexOrigin,
  vertexRequest,
  vertexSdks,
  vertexToken,
  writeServiceAccountKey,
} from './vertex-test-helpers.js';

const recordedJson = JSON.parse(readRecorded('google-text.json')) as Record<string, unknown>;
const chunks = recordedChunks('google-text.chunks.txt');
const server = createMswServer();
const requests: Request[] = [];
server.events.on('request:start', ({ request }) => {
  requests.push(request);
});
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const richRequest = vertexRequest({
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hello' },
    { role: 'user', content: 'Are you there?' },
    { role: 'assistant', content: 'Yes.' },
    { role: 'user', content: 'Count the r in strawberry.' },
  ],
  maxTokens: 100,
  temperature: 0.2,
  topP: 0.9,
  stop: ['END'],
  providerOptions: { safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }] },
});

describe.each(vertexSdks)('VertexProvider (%s)', (sdk) => {
  it('sends the Gemini body to the project/location publisher model with the bearer token', async () => {
    let captured: { url: string; authorization: string | null; body: unknown } | undefined;
    server.use(
      generateHandler(async (request) => {
        captured = { url: request.url, authorization: request.headers.get('authorization'), body: await request.json() };
        return HttpResponse.json(recordedJson);
      }),
    );
    const result = await createVertexProvider(sdk).doSend(richRequest);
    expect(result.content).toContain('There are **3** r');
    const version = sdk === 'vertexai' ? 'v1' : 'v1beta1';
    expect(captured?.url).toBe(`${vertexOrigin}/${version}/projects/test-project/locations/us-central1/publishers/google/models/${vertexModel}:generateContent`);
    expect(captured?.authorization).toBe(`Bearer ${vertexToken}`);
    const body = captured?.body as Record<string, unknown>;
    // Each SDK re-serializes the body its own way (key order, `role` on systemInstruction): compare the content.
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hello' }, { text: 'Are you there?' }] },
      { role: 'model', parts: [{ text: 'Yes.' }] },
      { role: 'user', parts: [{ text: 'Count the r in strawberry.' }] },
    ]);
    expect(body.systemInstruction).toMatchObject({ parts: [{ text: 'Be brief.' }] });
    expect(body.generationConfig).toEqual({ maxOutputTokens: 100, temperature: 0.2, topP: 0.9, stopSequences: ['END'] });
    expect(body.safetySettings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }]);
  });

  it('location global goes to aiplatform.googleapis.com, a region to {region}-aiplatform.googleapis.com', async () => {
    const urls: string[] = [];
    server.use(
      generateHandler((request) => {
        urls.push(request.url);
        return HttpResponse.json(recordedJson);
      }, 'https://aiplatform.googleapis.com'),
      generateHandler((request) => {
        urls.push(request.url);
        return HttpResponse.json(recordedJson);
      }, 'https://europe-west4-aiplatform.googleapis.com'),
    );
    await new VertexProvider({ name: 'vertex', projectId: 'p', location: 'global', sdk, authClient: { getAccessToken: async () => ({ token: 't' }) } }).doSend(vertexRequest());
    await new VertexProvider({ name: 'vertex', projectId: 'p', location: 'europe-west4', sdk, authClient: { getAccessToken: async () => 't' } }).doSend(vertexRequest());
    expect(urls[0]).toMatch(/^https:\/\/aiplatform\.googleapis\.com\/v1(beta1)?\/projects\/p\/locations\/global\/publishers\/google\/models\/gemini-3-pro-preview:generateContent$/);
    expect(urls[1]).toMatch(/^https:\/\/europe-west4-aiplatform\.googleapis\.com\/v1(beta1)?\/projects\/p\/locations\/europe-west4\//);
  });

  it('a failing token fetch is kind auth with a clear message, before any request', async () => {
    server.use(generateHandler(() => HttpResponse.json(recordedJson)));
    const provider = createVertexProvider(sdk, vertexOrigin, {
      authClient: {
        getAccessToken: async () => {
          throw new Error('invalid_grant: Invalid JWT Signature.');
        },
      },
    });
    const sendError = await provider.doSend(vertexRequest()).catch((error: unknown) => error);
    const { error: streamError, events } = await collectStream(provider.doStream(vertexRequest()));
    expect(events).toEqual([]);
    for (const error of [sendError, streamError]) {
      expect(ProviderError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ kind: 'auth', retryable: false, provider: 'vertex', model: vertexModel });
      expect((error as Error).message).toContain('could not get a Google access token');
      expect((error as Error).message).toContain('invalid_grant');
    }
    expect(requests).toHaveLength(0);
  });

  it('without credentials (no ADC, metadata server detection off) is kind auth', async () => {
    const provider = new VertexProvider({ name: 'vertex', projectId: 'p', location: 'us-central1', baseUrl: vertexOrigin, sdk });
    const error = await provider.doSend(vertexRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as Error).message).toMatch(/could not get a Google access token.*default credentials/is);
    expect(requests).toHaveLength(0);
  });

  it('a credentials file that does not exist is kind auth', async () => {
    const provider = new VertexProvider({ name: 'vertex', projectId: 'p', location: 'us-central1', baseUrl: vertexOrigin, sdk, credentialsPath: '/nonexistent/key.json' });
    const error = await provider.doSend(vertexRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as Error).message).toContain('could not get a Google access token');
  });

  it('the stream maps the recorded chunks and reports a cut body as network without an unhandled rejection', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      let cut = () => {};
      const cutPromise = new Promise<void>((resolve) => (cut = resolve));
      server.use(generateHandler(() => sseResponse(chunks.slice(0, 1).map(sseEvent), { error: new TypeError('terminated'), cut: cutPromise })));
      let text = '';
      let error: unknown;
      try {
        for await (const event of createVertexProvider(sdk).doStream(vertexRequest())) {
          if (event.type === 'text-delta') text += event.text;
          cut();
        }
      } catch (caught) {
        error = caught;
      }
      expect(text).toBe('There are **3**');
      expect(error).toMatchObject({ kind: 'network' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('leaves no listener on a long-lived caller signal after several sends and streams', async () => {
    server.use(generateHandler((request) => (isStreamUrl(request.url) ? sseResponse(chunks.map(sseEvent)) : HttpResponse.json(recordedJson))));
    const signal = new AbortController().signal;
    const provider = createVertexProvider(sdk);
    for (let index = 0; index < 3; index++) {
      await provider.doSend(vertexRequest({ signal }));
      await collectStream(provider.doStream(vertexRequest({ signal })));
    }
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('lists the Gemini publisher models over REST with the same token, every page', async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    server.use(
      http.get(`${vertexOrigin}/v1beta1/publishers/google/models`, ({ request }) => {
        seen.push({ url: request.url, authorization: request.headers.get('authorization') });
        const pageToken = new URL(request.url).searchParams.get('pageToken');
        if (pageToken === null) {
          return HttpResponse.json({
            publisherModels: [
              { name: 'publishers/google/models/gemini-2.5-flash', versionId: '001', launchStage: 'GA' },
              { name: 'publishers/google/models/imagen-4.0-generate-001', launchStage: 'GA' },
            ],
            nextPageToken: 'page-2',
          });
        }
        return HttpResponse.json({
          publisherModels: [
            { name: 'publishers/google/models/gemini-2.5-pro', launchStage: 'GA' },
            { name: 'publishers/google/models/text-embedding-005', launchStage: 'GA' },
          ],
        });
      }),
    );
    expect(await createVertexProvider(sdk).listModels()).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro']);
    expect(seen).toHaveLength(2);
    expect(seen.every((request) => request.authorization === `Bearer ${vertexToken}`)).toBe(true);
    expect(new URL(seen[1]?.url ?? '').searchParams.get('pageToken')).toBe('page-2');
  });

  it('a listing failure is a mapped ProviderError', async () => {
    server.use(
      http.get(`${vertexOrigin}/v1beta1/publishers/google/models`, () =>
        HttpResponse.json({ error: { code: 403, message: 'Permission denied on resource project test-project.', status: 'PERMISSION_DENIED' } }, { status: 403 }),
      ),
    );
    await expect(createVertexProvider(sdk).listModels()).rejects.toMatchObject({ kind: 'auth', status: 403, model: '*' });
  });

  it('validateModel: true when the model answers, false for a 404, throws otherwise', async () => {
    server.use(
      generateHandler(async (request) => {
        const body = (await request.json()) as { generationConfig?: { maxOutputTokens?: number } };
        expect(body.generationConfig?.maxOutputTokens).toBe(1);
        if (request.url.includes('/models/gemini-2.5-flash:')) return HttpResponse.json(recordedJson);
        if (request.url.includes('/models/nope:')) {
          return HttpResponse.json({ error: { code: 404, message: 'Publisher Model `nope` was not found.', status: 'NOT_FOUND' } }, { status: 404 });
        }
        return HttpResponse.json({ error: { code: 403, message: 'denied', status: 'PERMISSION_DENIED' } }, { status: 403 });
      }),
    );
    const provider = createVertexProvider(sdk);
    expect(await provider.validateModel('gemini-2.5-flash')).toBe(true);
    expect(await provider.validateModel('nope')).toBe(false);
    await expect(provider.validateModel('denied')).rejects.toMatchObject({ kind: 'auth' });
  });

  it('a blocked prompt is kind content_filter with its usage', async () => {
    server.use(
      generateHandler((request) => {
        const blocked = { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 } };
        return isStreamUrl(request.url) ? sseResponse([sseEvent(JSON.stringify(blocked))]) : HttpResponse.json(blocked);
      }),
    );
    const provider = createVertexProvider(sdk);
    await expect(provider.doSend(vertexRequest())).rejects.toMatchObject({ kind: 'content_filter', usage: { inputTokens: 7 } });
    const { error, events } = await collectStream(provider.doStream(vertexRequest()));
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([]);
    expect(error).toMatchObject({ kind: 'content_filter' });
  });

  it('never shows the access token in inspect, JSON or errors', async () => {
    server.use(generateHandler(() => HttpResponse.json({ error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } }, { status: 401 })));
    const provider = createVertexProvider(sdk);
    const error = await provider.doSend(vertexRequest()).catch((caught: unknown) => caught);
    const printed = [inspect(provider, { depth: 10 }), JSON.stringify(provider), String(error), JSON.stringify(error)].join('\n');
    expect(printed).not.toContain(vertexToken);
    expect(inspect(provider)).toContain("projectId: 'test-project'");
  });
});

describe('VertexProvider (vertexai) abort before the response headers', () => {
  it('leaves no unhandled rejection when the abandoned stream fails later', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      let reached = () => {};
      const requestReached = new Promise<void>((resolve) => (reached = resolve));
      let sendHeaders = () => {};
      const headersSent = new Promise<void>((resolve) => (sendHeaders = resolve));
      let cut = () => {};
      const cutPromise = new Promise<void>((resolve) => (cut = resolve));
      let bodyFailed = () => {};
      const failed = new Promise<void>((resolve) => (bodyFailed = resolve));
      server.use(
        generateHandler(async () => {
          reached();
          await headersSent;
          return sseResponse(chunks.slice(0, 1).map(sseEvent), { error: new TypeError('terminated'), cut: cutPromise.then(bodyFailed) });
        }),
      );
      const controller = new AbortController();
      const collected = collectStream(createVertexProvider('vertexai').doStream(vertexRequest({ signal: controller.signal })));
      await requestReached;
      controller.abort(new Error('deadline'));
      expect((await collected).error).toMatchObject({ kind: 'aborted' });
      // The SDK's call was not cancelled: its response arrives now, unread, and its body then fails.
      sendHeaders();
      cut();
      await failed;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('VertexProvider request bodies', () => {
  async function capturedBody(sdk: 'vertexai' | 'genai'): Promise<unknown> {
    let body: unknown;
    server.use(
      generateHandler(async (request) => {
        body = await request.json();
        return HttpResponse.json(recordedJson);
      }),
    );
    await createVertexProvider(sdk).doSend(richRequest);
    return body;
  }

  it('vertexai sends this generateContent body', async () => {
    expect(await capturedBody('vertexai')).toMatchInlineSnapshot(`
      {
        "contents": [
          {
            "parts": [
              {
                "text": "Hello",
              },
              {
                "text": "Are you there?",
              },
            ],
            "role": "user",
          },
          {
            "parts": [
              {
                "text": "Yes.",
              },
            ],
            "role": "model",
          },
          {
            "parts": [
              {
                "text": "Count the r in strawberry.",
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
          "temperature": 0.2,
          "topP": 0.9,
        },
        "safetySettings": [
          {
            "category": "HARM_CATEGORY_HARASSMENT",
            "threshold": "BLOCK_ONLY_HIGH",
          },
        ],
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

  it('genai sends the same body (no role on systemInstruction)', async () => {
    const { systemInstruction, ...rest } = (await capturedBody('vertexai')) as { systemInstruction: { role: string } };
    const { role: _role, ...instruction } = systemInstruction;
    expect(await capturedBody('genai')).toEqual({ ...rest, systemInstruction: instruction });
  });
});

describe('VertexProvider credentials_path (service-account file)', () => {
  let directory: string;
  let keyPath: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'vertex-key-'));
    keyPath = writeServiceAccountKey(directory);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it.each(vertexSdks)('%s: signs a JWT, exchanges it at the token_uri and sends the token it got', async (sdk) => {
    let assertion: string | null = null;
    let authorization: string | null = null;
    server.use(
      // google-auth-library posts to its own token endpoint (v9 and v10 differ), not the file's token_uri.
      http.post(/^https:\/\/(www\.googleapis\.com\/oauth2\/v4|oauth2\.googleapis\.com)\/token$/, async ({ request }) => {
        assertion = new URLSearchParams(await request.text()).get('assertion');
        return HttpResponse.json({ access_token: 'ya29.from-service-account', expires_in: 3600, token_type: 'Bearer' });
      }),
      generateHandler((request) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json(recordedJson);
      }),
    );
    const provider = new VertexProvider({ name: 'vertex', projectId: 'test-project', location: 'us-central1', baseUrl: vertexOrigin, sdk, credentialsPath: keyPath });
    await provider.doSend(vertexRequest());
    expect(assertion).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(authorization).toBe('Bearer ya29.from-service-account');
    expect(inspect(provider, { depth: 10 })).not.toContain('PRIVATE KEY');
  });
});

describe('VertexProvider construction', () => {
  it('builds the deprecated VertexAI client once per provider (it warns on every construction)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    server.use(generateHandler(() => HttpResponse.json(recordedJson)));
    const provider = createVertexProvider('vertexai');
    await provider.doSend(vertexRequest());
    await provider.doSend(vertexRequest());
    await collectStream(provider.doStream(vertexRequest()));
    expect(warn.mock.calls.filter(([message]) => String(message).includes('VertexAI class'))).toHaveLength(1);
  });

  it('refuses a base_url that is not http(s)://host[:port], and http:// with the vertexai SDK', () => {
    const options = { name: 'vertex', projectId: 'p', location: 'us-central1' };
    expect(() => new VertexProvider({ ...options, baseUrl: 'https://vertex.test/v1' })).toThrow(ConfigurationError);
    expect(() => new VertexProvider({ ...options, baseUrl: 'not a url' })).toThrow(ConfigurationError);
    expect(() => new VertexProvider({ ...options, baseUrl: 'http://127.0.0.1:8080' })).toThrow(/only speaks https/);
    expect(new VertexProvider({ ...options, baseUrl: 'http://127.0.0.1:8080', sdk: 'genai' }).baseUrl).toBe('http://127.0.0.1:8080');
  });

  it('requires a project id and a location', () => {
    expect(() => new VertexProvider({ name: 'vertex', projectId: '', location: '' })).toThrow(/project_id: is required[\s\S]*location: is required/);
  });

  it('defaults to the vertexai SDK', () => {
    expect(new VertexProvider({ name: 'vertex', projectId: 'p', location: 'global' }).sdk).toBe('vertexai');
  });
});
