import { HttpResponse } from 'msw';
import { GeminiProvider, type GeminiSdk } from '../../../src/providers/gemini/gemini-provider.js';
import { createUsage } from '../../../src/spec/usage.js';
import type { ConformanceErrorCase, ConformanceFixture } from '../../conformance/conformance-fixture.js';
import {
  geminiApiKey,
  geminiHandler,
  geminiModel,
  geminiOrigin,
  geminiSseEvent,
  geminiSseResponse,
  googleError,
  readRecorded,
  recordedChunks,
} from './gemini-test-helpers.js';

const lines = recordedChunks('google-text.chunks.txt');
/** The two text chunks, without the last chunk (thought signature + `finishReason: STOP`). */
const firstLines = lines.slice(0, 2);
const textOfLines = (selected: string[]) =>
  selected
    .map((line) => JSON.parse(line) as { candidates: [{ content: { parts: { text?: string }[] } }] })
    .flatMap((chunk) => chunk.candidates[0].content.parts.map((part) => part.text ?? ''))
    .join('');
const recordedAnswer = JSON.parse(readRecorded('google-text.json')) as { candidates: [{ content: { parts: [{ text: string }] } }] };

const errorCases: ConformanceErrorCase[] = [
  {
    name: '400 INVALID_ARGUMENT API_KEY_INVALID',
    handler: () =>
      geminiHandler(() =>
        googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
          { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: 'API key not valid. Please pass a valid API key.' },
        ]),
      ),
    kind: 'auth',
    status: 400,
    retryAfterMs: null,
  },
  {
    name: '400 INVALID_ARGUMENT',
    handler: () => geminiHandler(() => googleError(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified\n')),
    kind: 'invalid_request',
    status: 400,
  },
  {
    name: '400 input token count exceeds the limit',
    handler: () => geminiHandler(() => googleError(400, 'INVALID_ARGUMENT', 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).')),
    kind: 'context_length',
    status: 400,
  },
  { name: '403 PERMISSION_DENIED', handler: () => geminiHandler(() => googleError(403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers.')), kind: 'auth', status: 403 },
  {
    name: '404 NOT_FOUND',
    handler: () => geminiHandler(() => googleError(404, 'NOT_FOUND', `models/${geminiModel} is not found for API version v1beta, or is not supported for generateContent.`)),
    kind: 'not_found',
    status: 404,
    errorName: 'ModelNotFoundError',
  },
  {
    name: '429 RESOURCE_EXHAUSTED per-minute quota with RetryInfo (recorded)',
    handler: () => geminiHandler(() => new HttpResponse(readRecorded('google-429-retry-info.json'), { status: 429, headers: { 'content-type': 'application/json' } })),
    kind: 'rate_limit',
    status: 429,
    retryAfterMs: 34_400,
  },
  {
    name: '429 RESOURCE_EXHAUSTED daily quota',
    handler: () =>
      geminiHandler(() =>
        googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.', [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }] },
        ]),
      ),
    kind: 'quota',
    status: 429,
    retryAfterMs: null,
  },
  { name: '429 RESOURCE_EXHAUSTED without details', handler: () => geminiHandler(() => googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).')), kind: 'rate_limit', status: 429 },
  {
    name: '500 INTERNAL',
    handler: () => geminiHandler(() => googleError(500, 'INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting')),
    kind: 'server',
    status: 500,
    retryAfterMs: null,
  },
  {
    name: '502 HTML body',
    handler: () => geminiHandler(() => new HttpResponse('<html><body><h1>502 Bad Gateway</h1></body></html>', { status: 502, headers: { 'content-type': 'text/html' } })),
    kind: 'server',
    status: 502,
  },
  { name: '503 UNAVAILABLE model overloaded', handler: () => geminiHandler(() => googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.')), kind: 'overloaded', status: 503 },
  { name: '504 DEADLINE_EXCEEDED', handler: () => geminiHandler(() => googleError(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.')), kind: 'timeout', status: 504 },
];

/** The shared conformance fixture for the Gemini adapter on one SDK backend. */
export function createGeminiConformanceFixture(sdk: GeminiSdk): ConformanceFixture {
  return {
    name: `gemini (sdk: ${sdk})`,
    providerName: 'gemini',
    model: geminiModel,
    mockOrigin: geminiOrigin,
    createProvider: (origin) => new GeminiProvider({ name: 'gemini', apiKey: geminiApiKey, baseUrl: origin, sdk }),
    send: {
      handler: () => geminiHandler(() => new HttpResponse(readRecorded('google-text.json'), { headers: { 'content-type': 'application/json' } })),
      text: recordedAnswer.candidates[0].content.parts[0].text,
      // promptTokenCount 9; candidatesTokenCount 28 + thoughtsTokenCount 244 billed as output.
      usage: createUsage({ inputTokens: 9, outputTokens: 272, totalTokens: 281, reasoningTokens: 244 }),
      finishReason: 'stop',
      responseModel: 'gemini-3-pro-preview',
    },
    stream: {
      handler: () => geminiHandler(() => geminiSseResponse(lines.map(geminiSseEvent))),
      text: textOfLines(lines),
      usage: createUsage({ inputTokens: 9, outputTokens: 23 + 185, totalTokens: 217, reasoningTokens: 185 }),
      finishReason: 'stop',
    },
    errorCases,
    inBandError: {
      handler: () =>
        geminiHandler(() => geminiSseResponse([geminiSseEvent(JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }))])),
      kind: 'overloaded',
    },
    cutStream: {
      handler: (cut) => geminiHandler(() => geminiSseResponse(firstLines.map(geminiSseEvent), { cut })),
      textBeforeCut: textOfLines(firstLines),
    },
    noTerminalEvent: {
      handler: () => geminiHandler(() => geminiSseResponse(firstLines.map(geminiSseEvent))),
      text: textOfLines(firstLines),
    },
    rawStream: {
      headers: { 'content-type': 'text/event-stream' },
      chunks: firstLines.map(geminiSseEvent),
      text: textOfLines(firstLines),
    },
  };
}
