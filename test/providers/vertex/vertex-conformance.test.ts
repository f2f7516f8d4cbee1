import { HttpResponse } from 'msw';
import { createUsage } from '../../../src/spec/usage.js';
import type { ConformanceErrorCase } from '../../conformance/conformance-fixture.js';
import { runConformanceSuite } from '../../conformance/run-conformance-suite.js';
import {
  createVertexProvider,
  generateHandler,
  googleErrorResponse,
  isStreamUrl,
  readRecorded,
  recordedChunks,
  sseEvent,
  sseResponse,
  vertexModel,
  vertexOrigin,
  vertexSdks,
} from './vertex-test-helpers.js';

const recordedJson = JSON.parse(readRecorded('google-text.json')) as { candidates: { content: { parts: { text: string }[] } }[] };
const recordedRetryInfo = JSON.parse(readRecorded('google-429-retry-info.json')) as unknown;
const chunks = recordedChunks('google-text.chunks.txt');
const textOf = (lines: string[]) =>
  lines
    .map((line) => (JSON.parse(line) as { candidates?: { content?: { parts?: { text?: string }[] } }[] }).candidates?.[0]?.content?.parts?.map((part) => part.text ?? '').join('') ?? '')
    .join('');
const firstChunks = chunks.slice(0, 2);

/** Answers generateContent and streamGenerateContent alike. */
const errorHandler = (status: number, body: unknown) => () => generateHandler(() => googleErrorResponse(status, body));
const googleError = (code: number, status: string, message: string) => ({ error: { code, message, status } });

function errorCases(sdk: string): ConformanceErrorCase[] {
  return [
    { name: '429 RESOURCE_EXHAUSTED with RetryInfo (recorded)', handler: errorHandler(429, recordedRetryInfo), kind: 'rate_limit', status: 429, retryAfterMs: 34_400 },
    {
      name: '429 shared capacity, no RetryInfo',
      handler: errorHandler(429, googleError(429, 'RESOURCE_EXHAUSTED', 'Resource exhausted. Please try again later.')),
      kind: 'rate_limit',
      status: 429,
      retryAfterMs: null,
    },
    {
      name: '400 INVALID_ARGUMENT',
      handler: errorHandler(400, googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.')),
      kind: 'invalid_request',
      status: 400,
    },
    {
      name: '400 input over the token limit',
      handler: errorHandler(400, googleError(400, 'INVALID_ARGUMENT', 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).')),
      kind: 'context_length',
      status: 400,
    },
    {
      name: '401 UNAUTHENTICATED',
      handler: errorHandler(401, googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.')),
      kind: 'auth',
      status: 401,
    },
    {
      name: '403 PERMISSION_DENIED',
      handler: errorHandler(403, googleError(403, 'PERMISSION_DENIED', "Permission 'aiplatform.endpoints.predict' denied on resource.")),
      kind: 'auth',
      status: 403,
    },
    {
      name: '404 publisher model not found',
      handler: errorHandler(
        404,
        googleError(404, 'NOT_FOUND', `Publisher Model \`projects/test-project/locations/us-central1/publishers/google/models/${vertexModel}\` was not found or your project does not have access to it.`),
      ),
      kind: 'not_found',
      status: 404,
      errorName: 'ModelNotFoundError',
    },
    { name: '500 INTERNAL', handler: errorHandler(500, googleError(500, 'INTERNAL', 'Internal error encountered.')), kind: 'server', status: 500 },
    { name: '503 UNAVAILABLE', handler: errorHandler(503, googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.')), kind: 'overloaded', status: 503 },
    { name: '504 DEADLINE_EXCEEDED', handler: errorHandler(504, googleError(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.')), kind: 'timeout', status: 504 },
    {
      // @google-cloud/vertexai parses every error body as JSON and throws a bare SyntaxError: no status.
      name: '502 HTML body',
      handler: () => generateHandler(() => new HttpResponse('<html><body><h1>502 Bad Gateway</h1></body></html>', { status: 502, headers: { 'content-type': 'text/html' } })),
      kind: 'server',
      ...(sdk === 'genai' ? { status: 502 } : {}),
    },
  ];
}

for (const sdk of vertexSdks) {
  runConformanceSuite({
    name: `vertex (${sdk})`,
    providerName: 'vertex',
    model: vertexModel,
    mockOrigin: vertexOrigin,
    createProvider: (origin) => createVertexProvider(sdk, origin),
    send: {
      handler: () => generateHandler(() => HttpResponse.json(recordedJson)),
      text: recordedJson.candidates[0]?.content.parts.map((part) => part.text).join('') ?? '',
      usage: createUsage({ inputTokens: 9, outputTokens: 272, totalTokens: 281, reasoningTokens: 244 }),
      finishReason: 'stop',
      responseModel: 'gemini-3-pro-preview',
    },
    stream: {
      handler: () => generateHandler((request) => (isStreamUrl(request.url) ? sseResponse(chunks.map(sseEvent)) : HttpResponse.json(recordedJson))),
      text: textOf(chunks),
      usage: createUsage({ inputTokens: 9, outputTokens: 208, totalTokens: 217, reasoningTokens: 185 }),
      finishReason: 'stop',
    },
    errorCases: errorCases(sdk),
    inBandError: {
      handler: () => generateHandler(() => sseResponse([sseEvent(JSON.stringify(googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.')))])),
      kind: 'overloaded',
    },
    cutStream: {
      handler: (cut) => generateHandler(() => sseResponse(firstChunks.map(sseEvent), { error: new TypeError('terminated'), cut })),
      textBeforeCut: textOf(firstChunks),
    },
    noTerminalEvent: {
      handler: () => generateHandler(() => sseResponse(firstChunks.map(sseEvent))),
      text: textOf(firstChunks),
    },
    rawStream: {
      headers: { 'content-type': 'text/event-stream' },
      chunks: firstChunks.map(sseEvent),
      text: textOf(firstChunks),
    },
    ...(sdk === 'vertexai'
      ? {
          sdkLimits: {
            cancel: '@google-cloud/vertexai takes no abort signal',
            plainHttp: '@google-cloud/vertexai only speaks https',
          },
        }
      : {}),
  });
}
