import { http, HttpResponse } from 'msw';
import { OpenAIProvider } from '../../../src/providers/openai/openai-provider.js';
import type { ConformanceErrorCase } from '../../conformance/conformance-fixture.js';
import { runConformanceSuite } from '../../conformance/run-conformance-suite.js';
import {
  chatCompletionsUrl,
  errorHandler,
  openAIMockOrigin,
  recordedChunkLines,
  recordedCompletion,
  recordedLegacyParameterError,
  recordedSendUsage,
  recordedStreamUsage,
  sseEvents,
  streamHandler,
  streamHeaders,
  textOfChunkLines,
} from './openai-recorded.js';

const model = 'gpt-4.1-nano';
const firstLines = recordedChunkLines.slice(0, 6);
const serverError = { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } };

const errorCases: ConformanceErrorCase[] = [
  { name: '400 unsupported_parameter (recorded)', handler: () => errorHandler(400, recordedLegacyParameterError), kind: 'invalid_request', status: 400, retryAfterMs: null },
  {
    name: '400 context_length_exceeded',
    handler: () =>
      errorHandler(400, {
        error: {
          message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.",
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      }),
    kind: 'context_length',
    status: 400,
  },
  {
    name: '400 content_policy_violation',
    handler: () =>
      errorHandler(400, {
        error: { message: 'Your request was rejected as a result of our safety system.', type: 'invalid_request_error', param: null, code: 'content_policy_violation' },
      }),
    kind: 'content_filter',
  },
  {
    name: '401 invalid_api_key',
    handler: () =>
      errorHandler(401, {
        error: {
          message: 'Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      }),
    kind: 'auth',
    status: 401,
  },
  {
    name: '403 unsupported_country_region_territory',
    handler: () => errorHandler(403, { error: { code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported', param: null, type: 'request_forbidden' } }),
    kind: 'auth',
    status: 403,
  },
  {
    name: '404 model_not_found',
    handler: () =>
      errorHandler(404, {
        error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' },
      }),
    kind: 'not_found',
    status: 404,
    errorName: 'ModelNotFoundError',
  },
  { name: '408 request timeout', handler: () => errorHandler(408, { error: { message: 'Request timed out.', type: 'timeout', param: null, code: null } }), kind: 'timeout', status: 408 },
  { name: '409 conflict', handler: () => errorHandler(409, { error: { message: 'Conflict.', type: 'server_error', param: null, code: null } }), kind: 'server', status: 409 },
  { name: '413 request too large', handler: () => errorHandler(413, { error: { message: 'Request too large.', type: 'invalid_request_error', param: null, code: null } }), kind: 'context_length', status: 413 },
  {
    name: '429 rate_limit_exceeded with retry-after seconds',
    handler: () =>
      errorHandler(
        429,
        {
          error: {
            message: 'Rate limit reached for gpt-4.1-nano in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
        },
        { 'retry-after': '20', 'x-ratelimit-remaining-requests': '0' },
      ),
    kind: 'rate_limit',
    status: 429,
    retryAfterMs: 20_000,
  },
  {
    name: '429 with retry-after-ms',
    handler: () => errorHandler(429, { error: { message: 'Rate limit reached.', type: 'tokens', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after-ms': '1500', 'retry-after': '2' }),
    kind: 'rate_limit',
    retryAfterMs: 1500,
  },
  {
    name: '429 insufficient_quota',
    handler: () =>
      errorHandler(429, {
        error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
      }),
    kind: 'quota',
    status: 429,
  },
  { name: '500 server_error', handler: () => errorHandler(500, serverError), kind: 'server', status: 500, retryAfterMs: null },
  { name: '502 HTML body', handler: () => errorHandler(502, '<html><body><h1>502 Bad Gateway</h1></body></html>'), kind: 'server', status: 502 },
  {
    name: '503 engine overloaded',
    handler: () => errorHandler(503, { error: { message: 'The engine is currently overloaded, please try again later', type: 'server_error', param: null, code: null } }),
    kind: 'overloaded',
    status: 503,
  },
];

runConformanceSuite({
  name: 'openai',
  providerName: 'openai',
  model,
  mockOrigin: openAIMockOrigin,
  createProvider: (origin) => new OpenAIProvider({ name: 'openai', apiKey: 'sk-test', baseUrl: `${origin}/v1` }),
  send: {
    handler: () => http.post(chatCompletionsUrl, () => HttpResponse.json(recordedCompletion)),
    text: recordedCompletion.choices[0]?.message.content ?? '',
    usage: recordedSendUsage,
    finishReason: 'stop',
    responseModel: 'gpt-4.1-nano-2025-04-14',
  },
  stream: {
    handler: () => streamHandler(sseEvents(recordedChunkLines, true)),
    text: textOfChunkLines(recordedChunkLines),
    usage: recordedStreamUsage,
    finishReason: 'stop',
  },
  errorCases,
  inBandError: {
    handler: () => streamHandler([...sseEvents(recordedChunkLines.slice(0, 1), false), `data: ${JSON.stringify(serverError)}\n\n`]),
    kind: 'server',
  },
  cutStream: {
    handler: (cut) => streamHandler(sseEvents(firstLines, false), cut),
    textBeforeCut: textOfChunkLines(firstLines),
  },
  noTerminalEvent: {
    handler: () => streamHandler(sseEvents(recordedChunkLines, false)),
    text: textOfChunkLines(recordedChunkLines),
  },
  rawStream: {
    headers: streamHeaders,
    chunks: sseEvents(firstLines, false),
    text: textOfChunkLines(firstLines),
  },
});
