import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../../src/errors/provider-error.js';
import { BedrockProvider } from '../../../src/providers/bedrock/bedrock-provider.js';
import { createMswServer } from '../../setup/msw-server.js';
import {
  awsErrorResponse,
  bedrockControlOrigin,
  bedrockModel,
  bedrockOrigin,
  bedrockRequest,
  collectStream,
  createBedrockProvider,
  eventStreamResponse,
  fakeCredentials,
  splitBytes,
} from './bedrock-test-helpers.js';
import {
  encodeEventStreamFrame,
  readRecordedBedrockEvents,
  recordedBedrockChunksPath,
  recordedBedrockJsonPath,
} from './encode-event-stream.js';

const recordedJson = JSON.parse(readFileSync(recordedBedrockJsonPath, 'utf8')) as Record<string, unknown>;
const recordedEvents = readRecordedBedrockEvents(recordedBedrockChunksPath);
const recordedFrames = recordedEvents.map(encodeEventStreamFrame);
const recordedText = 'Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y\n\nThere are **3** r\'s in "strawberry."';
const converseUrl = `${bedrockOrigin}/model/:model/converse`;
const converseStreamUrl = `${bedrockOrigin}/model/:model/converse-stream`;

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function framesOf(types: string[]): Uint8Array[] {
  return recordedEvents.filter((event) => types.includes(event.type)).map(encodeEventStreamFrame);
}

describe('BedrockProvider.doSend', () => {
  it('maps the recorded Converse response: text, usage 22/57, stop', async () => {
    server.use(http.post(converseUrl, () => HttpResponse.json(recordedJson)));
    const result = await createBedrockProvider().doSend(bedrockRequest());
    expect(result).toEqual({
      content: 'Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y\n\nThere are **3** "r"s in "strawberry."',
      finishReason: 'stop',
      usage: { inputTokens: 22, outputTokens: 57, totalTokens: 79, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    });
  });

  it('sends system blocks, merged turns, inferenceConfig and providerOptions as additionalModelRequestFields', async () => {
    let captured: { url: string; body: unknown; headers: Record<string, string> } | undefined;
    server.use(
      http.post(converseUrl, async ({ request }) => {
        captured = { url: request.url, body: await request.json(), headers: Object.fromEntries(request.headers) };
        return HttpResponse.json(recordedJson);
      }),
    );
    await createBedrockProvider().doSend(
      bedrockRequest({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
          { role: 'user', content: 'Are you there?' },
          { role: 'assistant', content: 'Yes.' },
          { role: 'system', content: 'Answer in English.' },
          { role: 'user', content: 'Count the r in strawberry.' },
        ],
        maxTokens: 100,
        temperature: 0.2,
        topP: 0.9,
        stop: ['END'],
        providerOptions: { top_k: 5 },
      }),
    );
    expect(captured?.url).toBe(`${bedrockOrigin}/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse`);
    expect(captured?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIATESTACCESSKEY\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    expect(captured?.headers['x-amz-security-token']).toBe(fakeCredentials.sessionToken);
    expect(captured?.body).toMatchInlineSnapshot(`
      {
        "additionalModelRequestFields": {
          "top_k": 5,
        },
        "inferenceConfig": {
          "maxTokens": 100,
          "stopSequences": [
            "END",
          ],
          "temperature": 0.2,
          "topP": 0.9,
        },
        "messages": [
          {
            "content": [
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
            "content": [
              {
                "text": "Yes.",
              },
            ],
            "role": "assistant",
          },
          {
            "content": [
              {
                "text": "Count the r in strawberry.",
              },
            ],
            "role": "user",
          },
        ],
        "system": [
          {
            "text": "Be brief.",
          },
          {
            "text": "Answer in English.",
          },
        ],
      }
    `);
  });

  it('sends no inferenceConfig, system or additionalModelRequestFields when none is given', async () => {
    let body: unknown;
    server.use(
      http.post(converseUrl, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(recordedJson);
      }),
    );
    await createBedrockProvider().doSend(bedrockRequest());
    expect(body).toEqual({ messages: [{ role: 'user', content: [{ text: 'How many r in strawberry?' }] }] });
  });

  it('adds cache reads and writes back into inputTokens (Bedrock reports them apart)', async () => {
    server.use(
      http.post(converseUrl, () =>
        HttpResponse.json({
          ...recordedJson,
          usage: { inputTokens: 10, outputTokens: 20, totalTokens: 30, cacheReadInputTokens: 1000, cacheWriteInputTokens: 300 },
        }),
      ),
    );
    const result = await createBedrockProvider().doSend(bedrockRequest());
    expect(result.usage).toEqual({
      inputTokens: 1310,
      outputTokens: 20,
      totalTokens: 1330,
      cacheReadTokens: 1000,
      cacheWriteTokens: 300,
      reasoningTokens: 0,
    });
  });

  it('maps max_tokens to length and guardrail_intervened to content_filter', async () => {
    server.use(http.post(converseUrl, () => HttpResponse.json({ ...recordedJson, stopReason: 'max_tokens' })));
    expect((await createBedrockProvider().doSend(bedrockRequest())).finishReason).toBe('length');
    server.use(http.post(converseUrl, () => HttpResponse.json({ ...recordedJson, stopReason: 'guardrail_intervened' })));
    expect((await createBedrockProvider().doSend(bedrockRequest())).finishReason).toBe('content_filter');
  });
});

describe('BedrockProvider.doStream', () => {
  it('replays the recorded ConverseStream frames: text, usage 22/55, then finish last', async () => {
    server.use(http.post(converseStreamUrl, () => eventStreamResponse(recordedFrames)));
    const { events, error, text } = await collectStream(createBedrockProvider().doStream(bedrockRequest()));
    expect(error).toBeUndefined();
    expect(text).toBe(recordedText);
    expect(events.every((event) => event.type !== 'text-delta' || event.text !== '')).toBe(true);
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 22, outputTokens: 55, totalTokens: 77, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
      { type: 'finish', finishReason: 'stop' },
    ]);
    expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
  });

  it('decodes frames split across network chunks (a few bytes at a time)', async () => {
    const whole = Buffer.concat(recordedFrames);
    server.use(http.post(converseStreamUrl, () => eventStreamResponse(splitBytes(whole, 7))));
    const { error, text, events } = await collectStream(createBedrockProvider().doStream(bedrockRequest()));
    expect(error).toBeUndefined();
    expect(text).toBe(recordedText);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('sends the same body as Converse to /converse-stream', async () => {
    let captured: { url: string; body: unknown } | undefined;
    server.use(
      http.post(converseStreamUrl, async ({ request }) => {
        captured = { url: request.url, body: await request.json() };
        return eventStreamResponse(recordedFrames);
      }),
    );
    await collectStream(createBedrockProvider().doStream(bedrockRequest({ maxTokens: 5, messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'U' }] })));
    expect(captured?.url).toBe(`${bedrockOrigin}/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream`);
    expect(captured?.body).toMatchInlineSnapshot(`
      {
        "inferenceConfig": {
          "maxTokens": 5,
        },
        "messages": [
          {
            "content": [
              {
                "text": "U",
              },
            ],
            "role": "user",
          },
        ],
        "system": [
          {
            "text": "S",
          },
        ],
      }
    `);
  });

  it('a frame with a bad CRC is a network error after the text before it, without finish', async () => {
    const frames = recordedFrames.map((frame) => Buffer.from(frame));
    const corrupt = frames[3];
    if (corrupt === undefined) throw new Error('fixture too short');
    corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] ?? 0) ^ 0xff;
    server.use(http.post(converseStreamUrl, () => eventStreamResponse(frames)));
    const { error, text, events } = await collectStream(createBedrockProvider().doStream(bedrockRequest()));
    expect(text).toBe('Let me count the "');
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'network', provider: 'bedrock', model: bedrockModel, retryable: true });
    expect((error as Error).message).toMatch(/checksum/i);
  });

  it('a truncated last frame is a network error, without finish', async () => {
    const whole = Buffer.concat(recordedFrames);
    server.use(http.post(converseStreamUrl, () => eventStreamResponse([whole.subarray(0, whole.length - 10)])));
    const { error, text, events } = await collectStream(createBedrockProvider().doStream(bedrockRequest()));
    expect(text).toBe(recordedText);
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ kind: 'network' });
    expect((error as Error).message).toMatch(/truncated/i);
  });

  it('an exception frame before any text throws at once (rate_limit) so the caller can fall back', async () => {
    const frames = [
      ...framesOf(['messageStart']),
      encodeEventStreamFrame({ messageType: 'exception', type: 'throttlingException', payload: { message: 'Too many requests, please wait before trying again.' } }),
    ];
    server.use(http.post(converseStreamUrl, () => eventStreamResponse(frames)));
    const { error, events } = await collectStream(createBedrockProvider().doStream(bedrockRequest()));
    expect(events).toEqual([]);
    expect(error).toMatchObject({ name: 'ProviderError', kind: 'rate_limit', retryable: true });
    expect((error as Error).message).toContain('ThrottlingException: Too many requests');
  });

  it.each([
    ['modelStreamErrorException', 'server'],
    ['serviceUnavailableException', 'overloaded'],
    ['internalServerException', 'server'],
    ['validationException', 'invalid_request'],
  ] as const)('an in-band %s is kind %s', async (type, kind) => {
    const frames = [encodeEventStreamFrame({ messageType: 'exception', type, payload: { message: 'in-band failure' } })];
    server.use(http.post(converseStreamUrl, () => eventStreamResponse(frames)));
    const { error, events } = await collectStream(createBedrockProvider().doStream(bedrockRequest()));
    expect(events).toEqual([]);
    expect(error).toMatchObject({ kind });
  });

  it('an exception frame after text interrupts: the text so far, then the error, no finish', async () => {
    const frames = [
      ...framesOf(['messageStart']),
      ...recordedEvents.filter((event) => event.type === 'contentBlockDelta').slice(0, 2).map(encodeEventStreamFrame),
      encodeEventStreamFrame({ messageType: 'exception', type: 'modelStreamErrorException', payload: { message: 'Model stream failed', originalStatusCode: 500 } }),
    ];
    server.use(http.post(converseStreamUrl, () => eventStreamResponse(frames)));
    const { error, events, text } = await collectStream(createBedrockProvider().doStream(bedrockRequest()));
    expect(text).toBe('Let me count the "');
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ kind: 'server' });
  });

  it('finishes when the stream ends after messageStop even without metadata (no usage then)', async () => {
    server.use(http.post(converseStreamUrl, () => eventStreamResponse(framesOf(['messageStart', 'contentBlockDelta', 'contentBlockStop', 'messageStop']))));
    const { error, events } = await collectStream(createBedrockProvider().doStream(bedrockRequest()));
    expect(error).toBeUndefined();
    expect(events.some((event) => event.type === 'usage')).toBe(false);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('yields no finish when the body ends without messageStop (usage still reported)', async () => {
    server.use(http.post(converseStreamUrl, () => eventStreamResponse(framesOf(['messageStart', 'contentBlockDelta', 'metadata']))));
    const { error, events, text } = await collectStream(createBedrockProvider().doStream(bedrockRequest()));
    expect(error).toBeUndefined();
    expect(text).toBe(recordedText);
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'usage', usage: { inputTokens: 22, outputTokens: 55 } });
  });

  it('a body that errors mid-stream is a network error', async () => {
    server.use(http.post(converseStreamUrl, () => eventStreamResponse(recordedFrames.slice(0, 3), { errorAfter: new Error('socket hang up') })));
    const { error, text, events } = await collectStream(createBedrockProvider().doStream(bedrockRequest()));
    expect(text).toBe('Let me count the "');
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(error).toMatchObject({ kind: 'network' });
  });

  it('an abort before the call is kind aborted with the signal reason as cause', async () => {
    server.use(http.post(converseStreamUrl, () => eventStreamResponse(recordedFrames)));
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    controller.abort(reason);
    const { error } = await collectStream(createBedrockProvider().doStream(bedrockRequest({ signal: controller.signal })));
    expect(error).toMatchObject({ kind: 'aborted', retryable: false });
    expect((error as Error).cause).toBe(reason);
    await expect(createBedrockProvider().doSend(bedrockRequest({ signal: controller.signal }))).rejects.toMatchObject({ kind: 'aborted' });
  });
});

describe('BedrockProvider errors', () => {
  const cases = [
    { title: '429 ThrottlingException with Retry-After', status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.', headers: { 'retry-after': '3' }, kind: 'rate_limit', retryAfterMs: 3000 },
    { title: '400 ServiceQuotaExceededException', status: 400, type: 'ServiceQuotaExceededException', message: 'Your request exceeds the service quota for your account.', kind: 'quota' },
    { title: '403 AccessDeniedException: no access to this model', status: 403, type: 'AccessDeniedException', message: "You don't have access to the model with the specified model ID.", kind: 'not_found', errorName: 'ModelNotFoundError' },
    { title: '403 AccessDeniedException: not authorized', status: 403, type: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/x because no identity-based policy allows the bedrock:InvokeModel action', kind: 'auth' },
    { title: '403 UnrecognizedClientException', status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.', kind: 'auth' },
    { title: '404 ResourceNotFoundException', status: 404, type: 'ResourceNotFoundException', message: 'Model not found.', kind: 'not_found', errorName: 'ModelNotFoundError' },
    { title: '400 ValidationException: invalid model identifier', status: 400, type: 'ValidationException', message: 'The provided model identifier is invalid.', kind: 'not_found', errorName: 'ModelNotFoundError' },
    { title: '400 ValidationException: on-demand throughput unsupported', status: 400, type: 'ValidationException', message: "Invocation of model ID anthropic.claude-3-7-sonnet-20250219-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.", kind: 'not_found' },
    { title: '400 ValidationException: too many input tokens', status: 400, type: 'ValidationException', message: 'Input is too long for requested model.', kind: 'context_length' },
    { title: '400 ValidationException: too many tokens (Nova)', status: 400, type: 'ValidationException', message: 'Too many input tokens. Max input tokens: 300000, request input token count: 312050', kind: 'context_length' },
    { title: '400 ValidationException: other', status: 400, type: 'ValidationException', message: 'A conversation must start with a user message. Try again with a conversation that starts with a user message.', kind: 'invalid_request' },
    { title: '429 ModelNotReadyException', status: 429, type: 'ModelNotReadyException', message: 'Model is not ready for inference.', kind: 'server' },
    { title: '500 InternalServerException', status: 500, type: 'InternalServerException', message: 'Internal server error', kind: 'server' },
    { title: '503 ServiceUnavailableException', status: 503, type: 'ServiceUnavailableException', message: 'Service is temporarily unavailable.', kind: 'overloaded' },
    { title: '408 ModelTimeoutException', status: 408, type: 'ModelTimeoutException', message: 'Model has timed out.', kind: 'timeout' },
  ] as const;

  for (const testCase of cases) {
    it(`${testCase.title} -> ${testCase.kind} (send and stream)`, async () => {
      const respond = () => awsErrorResponse(testCase.status, testCase.type, testCase.message, 'headers' in testCase ? testCase.headers : {});
      server.use(http.post(converseUrl, respond), http.post(converseStreamUrl, respond));
      const provider = createBedrockProvider();
      const sendError = await provider.doSend(bedrockRequest()).catch((error: unknown) => error);
      const { error: streamError, events } = await collectStream(provider.doStream(bedrockRequest()));
      expect(events).toEqual([]);
      for (const error of [sendError, streamError]) {
        expect(ProviderError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ kind: testCase.kind, status: testCase.status, provider: 'bedrock', model: bedrockModel });
        if ('retryAfterMs' in testCase) expect(error).toMatchObject({ retryAfterMs: testCase.retryAfterMs });
        if ('errorName' in testCase) expect((error as Error).name).toBe(testCase.errorName);
        expect((error as Error).message).toContain(testCase.type);
      }
    });
  }

  it('a non-JSON 502 (HTML from a proxy) is a server error', async () => {
    const respond = () => new HttpResponse('<html><body>502 Bad Gateway</body></html>', { status: 502, headers: { 'content-type': 'text/html' } });
    server.use(http.post(converseUrl, respond), http.post(converseStreamUrl, respond));
    const provider = createBedrockProvider();
    await expect(provider.doSend(bedrockRequest())).rejects.toMatchObject({ kind: 'server', status: 502 });
    const { error } = await collectStream(provider.doStream(bedrockRequest()));
    expect(error).toMatchObject({ kind: 'server', status: 502 });
  });

  it('never shows the secret key or session token in errors, inspect or JSON', async () => {
    server.use(http.post(converseUrl, () => awsErrorResponse(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.')));
    const provider = createBedrockProvider();
    const error = await provider.doSend(bedrockRequest()).catch((caught: unknown) => caught);
    const printed = [inspect(provider, { depth: 10 }), JSON.stringify(provider), String(error), inspect(error, { depth: 2 }), JSON.stringify(error)].join('\n');
    expect(printed).not.toContain(fakeCredentials.secretAccessKey);
    expect(printed).not.toContain(fakeCredentials.sessionToken);
    expect(inspect(provider)).toContain("region: 'us-east-1'");
  });
});

describe('BedrockProvider hygiene', () => {
  it('scrubs the secrets from the SDK error kept as cause, not only from the message', async () => {
    const echoed = `The request signature we calculated does not match (${fakeCredentials.secretAccessKey}, ${fakeCredentials.sessionToken})`;
    server.use(http.post(converseUrl, () => awsErrorResponse(400, 'ValidationException', echoed)));
    const error = await createBedrockProvider().doSend(bedrockRequest()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_request' });
    expect((error as Error).cause).toBeInstanceOf(Error);
    const printed = inspect(error, { depth: 5 });
    expect(printed).not.toContain(fakeCredentials.secretAccessKey);
    expect(printed).not.toContain(fakeCredentials.sessionToken);
  });

  it('leaves no listener on a long-lived caller signal after several sends and streams', async () => {
    server.use(http.post(converseUrl, () => HttpResponse.json(recordedJson)), http.post(converseStreamUrl, () => eventStreamResponse(recordedFrames)));
    const signal = new AbortController().signal;
    const provider = createBedrockProvider();
    for (let index = 0; index < 3; index++) {
      await provider.doSend(bedrockRequest({ signal }));
      await collectStream(provider.doStream(bedrockRequest({ signal })));
    }
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});

describe('BedrockProvider credentials', () => {
  it('without static credentials uses the default chain; finding none is kind auth', async () => {
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    try {
      server.use(http.post(converseUrl, () => HttpResponse.json(recordedJson)));
      const provider = new BedrockProvider({ name: 'bedrock', region: 'us-east-1', baseUrl: bedrockOrigin });
      const error = await provider.doSend(bedrockRequest()).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ kind: 'auth', retryable: false });
      expect((error as Error).message).toContain('no AWS credentials found');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('takes credentials from the environment through the default chain', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFROMENVIRONMENT');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-environment');
    try {
      let authorization: string | null = null;
      server.use(
        http.post(converseUrl, ({ request }) => {
          authorization = request.headers.get('authorization');
          return HttpResponse.json(recordedJson);
        }),
      );
      await new BedrockProvider({ name: 'bedrock', region: 'eu-west-1', baseUrl: bedrockOrigin }).doSend(bedrockRequest());
      expect(authorization).toMatch(/Credential=AKIAFROMENVIRONMENT\/\d{8}\/eu-west-1\/bedrock\//);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('BedrockProvider.listModels and validateModel', () => {
  const summaries = [
    { modelId: 'anthropic.claude-3-haiku-20240307-v1:0', modelArn: 'arn:1', outputModalities: ['TEXT'], inferenceTypesSupported: ['ON_DEMAND'] },
    { modelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0', modelArn: 'arn:2', outputModalities: ['TEXT'], inferenceTypesSupported: ['INFERENCE_PROFILE'] },
    { modelId: 'amazon.titan-embed-text-v2:0', modelArn: 'arn:3', outputModalities: ['EMBEDDING'], inferenceTypesSupported: ['ON_DEMAND'] },
    { modelId: 'stability.sd3-large-v1:0', modelArn: 'arn:4', outputModalities: ['IMAGE'], inferenceTypesSupported: ['ON_DEMAND'] },
    { modelId: 'meta.llama3-70b-instruct-v1:0:8k', modelArn: 'arn:5', outputModalities: ['TEXT'], inferenceTypesSupported: ['PROVISIONED'] },
  ];

  it('lists text models usable on demand or through an inference profile, from the control endpoint', async () => {
    let url: string | undefined;
    server.use(
      http.get(`${bedrockControlOrigin}/foundation-models`, ({ request }) => {
        url = request.url;
        return HttpResponse.json({ modelSummaries: summaries });
      }),
    );
    expect(await createBedrockProvider().listModels()).toEqual(['anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-3-7-sonnet-20250219-v1:0']);
    expect(url).toBe(`${bedrockControlOrigin}/foundation-models`);
  });

  it('maps a control-plane failure to a ProviderError', async () => {
    server.use(http.get(`${bedrockControlOrigin}/foundation-models`, () => awsErrorResponse(403, 'AccessDeniedException', 'not allowed')));
    await expect(createBedrockProvider().listModels()).rejects.toMatchObject({ kind: 'auth', model: '*' });
  });

  it('validateModel: true when the model answers, false when Bedrock does not know it, throws otherwise', async () => {
    server.use(
      http.post(`${bedrockOrigin}/model/:model/converse`, async ({ params, request }) => {
        const body = (await request.json()) as { inferenceConfig?: { maxTokens?: number } };
        expect(body.inferenceConfig?.maxTokens).toBe(1);
        if (params.model === 'us.anthropic.claude-3-7-sonnet-20250219-v1:0') return HttpResponse.json(recordedJson);
        if (params.model === 'nope') return awsErrorResponse(400, 'ValidationException', 'The provided model identifier is invalid.');
        return awsErrorResponse(403, 'AccessDeniedException', 'denied');
      }),
    );
    const provider = createBedrockProvider();
    expect(await provider.validateModel('us.anthropic.claude-3-7-sonnet-20250219-v1:0')).toBe(true);
    expect(await provider.validateModel('nope')).toBe(false);
    await expect(provider.validateModel('denied')).rejects.toMatchObject({ kind: 'auth' });
    expect(BedrockProvider.isInferenceProfileId('us.anthropic.claude-3-7-sonnet-20250219-v1:0')).toBe(true);
    expect(BedrockProvider.isInferenceProfileId('apac.amazon.nova-lite-v1:0')).toBe(true);
    expect(BedrockProvider.isInferenceProfileId('anthropic.claude-3-haiku-20240307-v1:0')).toBe(false);
  });
});
