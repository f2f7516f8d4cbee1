import { HttpResponse } from 'msw';
import { AnthropicProvider } from '../../../src/providers/anthropic/anthropic-provider.js';
import { createUsage } from '../../../src/spec/usage.js';
import type { ConformanceErrorCase } from '../../conformance/conformance-fixture.js';
import { runConformanceSuite } from '../../conformance/run-conformance-suite.js';
import {
  anthropicApiKey,
  anthropicError,
  anthropicModel,
  anthropicOrigin,
  anthropicSseEvent,
  anthropicSseResponse,
  messagesHandler,
  readRecorded,
  recordedChunks,
} from './anthropic-test-helpers.js';

const lines = recordedChunks('anthropic-text.chunks.txt');
/** message_start, content_block_start, ping, then two text deltas ("Hello", "! I"). */
const firstLines = lines.slice(0, 5);
const textOfLines = (selected: string[]) =>
  selected
    .map((line) => JSON.parse(line) as { type: string; delta?: { type?: string; text?: string } })
    .map((event) => (event.type === 'content_block_delta' && event.delta?.type === 'text_delta' ? (event.delta.text ?? '') : ''))
    .join('');
const recordedMessage = JSON.parse(readRecorded('anthropic-text.json')) as { content: [{ text: string }] };

const errorCases: ConformanceErrorCase[] = [
  { name: '400 invalid_request_error', handler: () => messagesHandler(() => anthropicError(400, 'invalid_request_error', 'max_tokens: Field required')), kind: 'invalid_request', status: 400, retryAfterMs: null },
  {
    name: '400 prompt is too long',
    handler: () => messagesHandler(() => anthropicError(400, 'invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum')),
    kind: 'context_length',
    status: 400,
  },
  {
    name: '400 credit balance too low',
    handler: () => messagesHandler(() => anthropicError(400, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.')),
    kind: 'quota',
    status: 400,
  },
  { name: '401 authentication_error', handler: () => messagesHandler(() => anthropicError(401, 'authentication_error', 'invalid x-api-key')), kind: 'auth', status: 401 },
  {
    name: '403 permission_error',
    handler: () => messagesHandler(() => anthropicError(403, 'permission_error', 'Your API key does not have permission to use the specified resource.')),
    kind: 'auth',
    status: 403,
  },
  {
    name: '404 not_found_error',
    handler: () => messagesHandler(() => anthropicError(404, 'not_found_error', `model: ${anthropicModel}`)),
    kind: 'not_found',
    status: 404,
    errorName: 'ModelNotFoundError',
  },
  { name: '408 request timeout', handler: () => messagesHandler(() => anthropicError(408, 'timeout_error', 'Request timed out')), kind: 'timeout', status: 408 },
  {
    name: '413 request_too_large',
    handler: () => messagesHandler(() => anthropicError(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.')),
    kind: 'context_length',
    status: 413,
  },
  {
    name: '429 rate_limit_error with retry-after',
    handler: () =>
      messagesHandler(() =>
        anthropicError(429, 'rate_limit_error', 'This request would exceed the rate limit for your organization of 50 requests per minute.', {
          'retry-after': '20',
          'anthropic-ratelimit-requests-remaining': '0',
        }),
      ),
    kind: 'rate_limit',
    status: 429,
    retryAfterMs: 20_000,
  },
  { name: '429 without retry-after', handler: () => messagesHandler(() => anthropicError(429, 'rate_limit_error', 'Rate limited')), kind: 'rate_limit', status: 429, retryAfterMs: null },
  { name: '500 api_error', handler: () => messagesHandler(() => anthropicError(500, 'api_error', 'Internal server error')), kind: 'server', status: 500, retryAfterMs: null },
  {
    name: '502 HTML body',
    handler: () => messagesHandler(() => new HttpResponse('<html><body><h1>502 Bad Gateway</h1></body></html>', { status: 502, headers: { 'content-type': 'text/html' } })),
    kind: 'server',
    status: 502,
  },
  { name: '529 overloaded_error', handler: () => messagesHandler(() => anthropicError(529, 'overloaded_error', 'Overloaded')), kind: 'overloaded', status: 529 },
];

runConformanceSuite({
  name: 'anthropic',
  providerName: 'anthropic',
  model: anthropicModel,
  mockOrigin: anthropicOrigin,
  createProvider: (origin) => new AnthropicProvider({ name: 'anthropic', apiKey: anthropicApiKey, baseUrl: origin }),
  send: {
    handler: () => messagesHandler(() => new HttpResponse(readRecorded('anthropic-text.json'), { headers: { 'content-type': 'application/json' } })),
    text: recordedMessage.content[0].text,
    usage: createUsage({ inputTokens: 12, outputTokens: 29 }),
    finishReason: 'stop',
    responseModel: 'claude-sonnet-4-5-20250929',
  },
  stream: {
    handler: () => messagesHandler(() => anthropicSseResponse(lines.map(anthropicSseEvent))),
    text: textOfLines(lines),
    usage: createUsage({ inputTokens: 12, outputTokens: 30 }),
    finishReason: 'stop',
  },
  errorCases,
  inBandError: {
    handler: () =>
      messagesHandler(() =>
        anthropicSseResponse([lines[0]!, JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })].map(anthropicSseEvent)),
      ),
    kind: 'overloaded',
  },
  cutStream: {
    handler: (cut) => messagesHandler(() => anthropicSseResponse(firstLines.map(anthropicSseEvent), { cut })),
    textBeforeCut: textOfLines(firstLines),
  },
  noTerminalEvent: {
    handler: () => messagesHandler(() => anthropicSseResponse(lines.slice(0, -1).map(anthropicSseEvent))),
    text: textOfLines(lines),
  },
  rawStream: {
    headers: { 'content-type': 'text/event-stream' },
    chunks: firstLines.map(anthropicSseEvent),
    text: textOfLines(firstLines),
  },
});

