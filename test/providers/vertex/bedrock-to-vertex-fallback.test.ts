import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LLMOrchestrator } from '../../../src/llm-orchestrator.js';
import { createMswServer } from '../../setup/msw-server.js';
import { awsErrorResponse, eventStreamResponse } from '../bedrock/bedrock-test-helpers.js';
import { encodeEventStreamFrame } from '../bedrock/encode-event-stream.js';
import { generateHandler, isStreamUrl, readRecorded, recordedChunks, sseEvent, sseResponse, writeServiceAccountKey } from './vertex-test-helpers.js';

const bedrockOrigin = 'https://bedrock-runtime.fallback.test';
const vertexOrigin = 'https://vertex.fallback.test';
const secrets = { AWS_KEY_ID: 'AKIAFALLBACKTEST', AWS_SECRET: 'fallback-aws-secret-0123456789' };
const recordedJson = JSON.parse(readRecorded('google-text.json')) as Record<string, unknown>;
const recordedText = 'There are **3** r\'s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.';
const chunks = recordedChunks('google-text.chunks.txt');

const server = createMswServer();
let directory: string;
let keyPath: string;
beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
  directory = mkdtempSync(join(tmpdir(), 'bedrock-vertex-'));
  keyPath = writeServiceAccountKey(directory);
});
afterEach(() => server.resetHandlers());
afterAll(() => {
  server.close();
  rmSync(directory, { recursive: true, force: true });
});

function createOrchestrator() {
  return new LLMOrchestrator(
    {
      active_provider: 'bedrock',
      cross_provider_fallback: true,
      provider_order: ['bedrock', 'vertex'],
      providers: {
        bedrock: {
          region: 'us-east-1',
          base_url: bedrockOrigin,
          aws_access_key_id: '${AWS_KEY_ID}',
          aws_secret_access_key: '${AWS_SECRET}',
          fallback_models: ['anthropic.claude-3-haiku-20240307-v1:0'],
        },
        vertex: { project_id: 'test-project', location: 'us-central1', base_url: vertexOrigin, credentials_path: keyPath, fallback_models: ['gemini-3-pro-preview'] },
      },
      retry: { max_attempts: 1 },
      cost_tracking: { enabled: false },
    },
    { env: secrets, sessionId: 'fallback-test' },
  );
}

function vertexHandlers() {
  return [
    http.post(/^https:\/\/(www\.googleapis\.com\/oauth2\/v4|oauth2\.googleapis\.com)\/token$/, () =>
      HttpResponse.json({ access_token: 'ya29.fallback', expires_in: 3600, token_type: 'Bearer' }),
    ),
    generateHandler((request) => (isStreamUrl(request.url) ? sseResponse(chunks.map(sseEvent)) : HttpResponse.json(recordedJson)), vertexOrigin),
  ];
}

describe('cross-provider fallback from Bedrock to Vertex', () => {
  it('send: a Bedrock throttle moves on to Vertex, which answers', async () => {
    server.use(
      http.post(`${bedrockOrigin}/model/:model/converse`, () => awsErrorResponse(429, 'ThrottlingException', 'Too many requests, please wait before trying again.')),
      ...vertexHandlers(),
    );
    const orch = createOrchestrator();
    const response = await orch.send({ messages: [{ role: 'user', content: 'How many r in strawberry?' }] });
    expect(response.provider).toBe('vertex');
    expect(response.model).toBe('gemini-3-pro-preview');
    expect(response.content).toBe(recordedText);
    expect(response.usage).toMatchObject({ inputTokens: 9, outputTokens: 272 });
    expect(response.attempts.map((attempt) => [attempt.provider, attempt.status, attempt.error?.kind])).toEqual([
      ['bedrock', 'error', 'rate_limit'],
      ['vertex', 'ok', undefined],
    ]);
    const printed = [inspect(orch, { depth: 8 }), inspect(response, { depth: 8 }), JSON.stringify(response.attempts)].join('\n');
    expect(printed).not.toContain(secrets.AWS_SECRET);
    expect(printed).not.toContain('PRIVATE KEY');
    await orch.close();
  });

  it('stream: an exception frame before the first text falls back to the Vertex stream', async () => {
    server.use(
      http.post(`${bedrockOrigin}/model/:model/converse-stream`, () =>
        eventStreamResponse([
          encodeEventStreamFrame({ type: 'messageStart', payload: { role: 'assistant' } }),
          encodeEventStreamFrame({ messageType: 'exception', type: 'serviceUnavailableException', payload: { message: 'Service unavailable.' } }),
        ]),
      ),
      ...vertexHandlers(),
    );
    const orch = createOrchestrator();
    const stream = orch.stream({ messages: [{ role: 'user', content: 'How many r in strawberry?' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.text;
    const response = await stream.response;
    expect(text).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    expect(response.provider).toBe('vertex');
    expect(response.finishReason).toBe('stop');
    expect(response.attempts.map((attempt) => [attempt.provider, attempt.error?.kind ?? attempt.status])).toEqual([
      ['bedrock', 'overloaded'],
      ['vertex', 'ok'],
    ]);
    await orch.close();
  });
});
