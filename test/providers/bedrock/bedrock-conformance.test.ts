import { readFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { getRawRequest } from '@mswjs/interceptors';
import { http, HttpResponse } from 'msw';
import { BedrockProvider } from '../../../src/providers/bedrock/bedrock-provider.js';
import { createUsage } from '../../../src/spec/usage.js';
import type { ConformanceErrorCase } from '../../conformance/conformance-fixture.js';
import { runConformanceSuite } from '../../conformance/run-conformance-suite.js';
import { awsErrorResponse, bedrockModel, bedrockOrigin, eventStreamResponse, fakeCredentials } from './bedrock-test-helpers.js';
import { encodeEventStreamFrame, readRecordedBedrockEvents, recordedBedrockChunksPath, recordedBedrockJsonPath } from './encode-event-stream.js';

const recordedJson = JSON.parse(readFileSync(recordedBedrockJsonPath, 'utf8')) as { output: { message: { content: { text: string }[] } } };
const recordedEvents = readRecordedBedrockEvents(recordedBedrockChunksPath);
const textOf = (events: typeof recordedEvents) =>
  events.map((event) => ((event.payload as { delta?: { text?: string } }).delta?.text ?? '')).join('');
const framesOf = (events: typeof recordedEvents) => events.map(encodeEventStreamFrame);
const firstEvents = recordedEvents.slice(0, 4);
const withoutTerminal = recordedEvents.filter((event) => event.type !== 'messageStop' && event.type !== 'metadata');
const converse = `${bedrockOrigin}/model/:model/converse`;
const converseStream = `${bedrockOrigin}/model/:model/converse-stream`;

/** Answers Converse and ConverseStream alike with an AWS error. */
function errorHandler(status: number, errorType: string, message: string, headers: Record<string, string> = {}) {
  return () => [
    http.post(converse, () => awsErrorResponse(status, errorType, message, headers)),
    http.post(converseStream, () => awsErrorResponse(status, errorType, message, headers)),
  ];
}

const errorCases: ConformanceErrorCase[] = [
  {
    name: '429 ThrottlingException with retry-after',
    handler: errorHandler(429, 'ThrottlingException', 'Too many requests, please wait before trying again.', { 'retry-after': '2' }),
    kind: 'rate_limit',
    status: 429,
    retryAfterMs: 2000,
  },
  { name: '400 ServiceQuotaExceededException', handler: errorHandler(400, 'ServiceQuotaExceededException', 'Your request exceeds the service quota.'), kind: 'quota', status: 400 },
  {
    name: '403 AccessDeniedException',
    handler: errorHandler(403, 'AccessDeniedException', 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: bedrock:InvokeModel'),
    kind: 'auth',
    status: 403,
  },
  {
    name: '403 AccessDeniedException: no access to this model',
    handler: errorHandler(403, 'AccessDeniedException', "You don't have access to the model with the specified model ID."),
    kind: 'not_found',
    status: 403,
  },
  {
    name: '403 UnrecognizedClientException',
    handler: errorHandler(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.'),
    kind: 'auth',
    status: 403,
  },
  {
    name: '404 ResourceNotFoundException',
    handler: errorHandler(404, 'ResourceNotFoundException', 'Model not found.'),
    kind: 'not_found',
    status: 404,
    errorName: 'ModelNotFoundError',
  },
  {
    name: '400 ValidationException invalid model identifier',
    handler: errorHandler(400, 'ValidationException', 'The provided model identifier is invalid.'),
    kind: 'not_found',
    status: 400,
    errorName: 'ModelNotFoundError',
  },
  { name: '400 ValidationException input too long', handler: errorHandler(400, 'ValidationException', 'Input is too long for requested model.'), kind: 'context_length', status: 400 },
  {
    name: '400 ValidationException other',
    handler: errorHandler(400, 'ValidationException', 'A conversation must start with a user message.'),
    kind: 'invalid_request',
    status: 400,
    retryAfterMs: null,
  },
  { name: '429 ModelNotReadyException', handler: errorHandler(429, 'ModelNotReadyException', 'Model is not ready for inference.'), kind: 'server', status: 429 },
  { name: '500 InternalServerException', handler: errorHandler(500, 'InternalServerException', 'Internal server error.'), kind: 'server', status: 500, retryAfterMs: null },
  {
    name: '503 ServiceUnavailableException',
    handler: errorHandler(503, 'ServiceUnavailableException', 'Service is temporarily unable to handle the request.'),
    kind: 'overloaded',
    status: 503,
  },
  {
    name: '502 HTML body',
    handler: () => {
      const respond = () => new HttpResponse('<html><body><h1>502 Bad Gateway</h1></body></html>', { status: 502, headers: { 'content-type': 'text/html' } });
      return [http.post(converse, respond), http.post(converseStream, respond)];
    },
    kind: 'server',
    status: 502,
  },
];

runConformanceSuite({
  name: 'bedrock',
  providerName: 'bedrock',
  model: bedrockModel,
  mockOrigin: bedrockOrigin,
  createProvider: (origin) => new BedrockProvider({ name: 'bedrock', region: 'us-east-1', baseUrl: origin, credentials: fakeCredentials }),
  send: {
    handler: () => http.post(converse, () => HttpResponse.json(recordedJson)),
    text: recordedJson.output.message.content.map((block) => block.text).join(''),
    usage: createUsage({ inputTokens: 22, outputTokens: 57, totalTokens: 79 }),
    finishReason: 'stop',
  },
  stream: {
    handler: () => http.post(converseStream, () => eventStreamResponse(framesOf(recordedEvents))),
    text: textOf(recordedEvents),
    usage: createUsage({ inputTokens: 22, outputTokens: 55, totalTokens: 77 }),
    finishReason: 'stop',
  },
  errorCases,
  inBandError: {
    handler: () =>
      http.post(converseStream, () =>
        eventStreamResponse([
          ...framesOf(recordedEvents.slice(0, 1)),
          encodeEventStreamFrame({ messageType: 'exception', type: 'throttlingException', payload: { message: 'Too many requests, please wait before trying again.' } }),
        ]),
      ),
    kind: 'rate_limit',
  },
  cutStream: {
    handler: (cut) => http.post(converseStream, () => eventStreamResponse(framesOf(firstEvents), { errorAfter: new TypeError('terminated'), cut })),
    textBeforeCut: textOf(firstEvents),
  },
  noTerminalEvent: {
    handler: () => http.post(converseStream, () => eventStreamResponse(framesOf(withoutTerminal))),
    text: textOf(withoutTerminal),
  },
  rawStream: {
    headers: { 'content-type': 'application/vnd.amazon.eventstream' },
    chunks: framesOf(firstEvents),
    text: textOf(firstEvents),
  },
  // The SDK runs on node:http (NodeHttpHandler), whose msw `Request` has no live signal.
  isUpstreamAborted: (request) => (getRawRequest(request) as ClientRequest | undefined)?.destroyed === true,
});
