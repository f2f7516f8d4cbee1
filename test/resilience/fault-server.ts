import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { encodeEventStreamFrame, readRecordedBedrockEvents, recordedBedrockChunksPath } from '../providers/bedrock/encode-event-stream.js';
import { readRecorded, recordedLines } from '../setup/recorded-fixtures.js';

/**
 * The wire formats the fault server speaks. Vertex speaks Gemini's (generateContent /
 * streamGenerateContent?alt=sse, Google's error bodies) on its own path:
 * `/{v1|v1beta1}/projects/{project}/locations/{location}/publishers/google/models/{model}:...`.
 */
export type FaultProvider = 'openai' | 'anthropic' | 'gemini' | 'bedrock' | 'vertex';

/** Every wire format, in a stable order (for table-driven tests). */
export const faultProviders: readonly FaultProvider[] = ['openai', 'anthropic', 'gemini', 'bedrock', 'vertex'];

/**
 * What the server does with one request. Every fault may first wait `delayMs` before the first
 * byte. `afterEvents` counts whole stream events (SSE events or event-stream frames) sent first;
 * for a non-streaming request it is ignored and the fault happens before the body.
 */
export type Fault =
  | { type: 'ok'; delayMs?: number }
  /**
   * An HTTP error status with the provider's real error body; `retryAfterSeconds` adds
   * `retry-after`; `quota` sends the provider's quota-exhausted body instead (OpenAI
   * `insufficient_quota`, Anthropic's credit balance, Gemini's and Vertex's daily `QuotaFailure`,
   * Bedrock's `ServiceQuotaExceededException`). A Gemini 429 is the recorded per-minute
   * `RESOURCE_EXHAUSTED` (with `RetryInfo`); a Vertex 429 is Vertex's bare shared-capacity
   * "Resource exhausted, please try again later" (no retry delay anywhere).
   */
  | { type: 'status'; status: number; retryAfterSeconds?: number; quota?: boolean; delayMs?: number }
  /**
   * A TCP reset (RST) after `afterEvents` events (0: before any byte, not even the status line);
   * after some events, the reset comes 40 ms after the last one, once the client has read it.
   */
  | { type: 'reset'; afterEvents: number; delayMs?: number }
  /** Sends `afterEvents` events, then nothing more until the client goes away. */
  | { type: 'stall'; afterEvents: number; delayMs?: number }
  /** A malformed JSON body, or after `afterEvents` events a malformed SSE line / corrupt frame. */
  | { type: 'malformed'; afterEvents: number; delayMs?: number }
  /** An in-band error after `afterEvents` events (OpenAI `data: {"error"}`, Anthropic `event: error`, Bedrock exception frame). */
  | { type: 'in-band-error'; afterEvents: number; delayMs?: number }
  /** The whole stream except its terminal event, then a clean end of the body. */
  | { type: 'no-terminal'; delayMs?: number };

/** How long a reset after some events waits for the client to read them. */
const resetGraceMs = 40;

/** What the decider sees about a request. */
export interface FaultRequest {
  provider: FaultProvider;
  model: string;
  stream: boolean;
  /** 1 for the first request to this (provider, model), 2 for the next... */
  index: number;
  /** The request body as received. */
  body: string;
}

/** Decides each request's fault. */
export type FaultDecider = (request: FaultRequest) => Fault;

/** A running fault server. */
export interface FaultServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** The base URL each adapter takes (OpenAI with `/v1`). */
  baseUrl(provider: FaultProvider): string;
  /** Installs the decider for the following requests (default: every request `ok`). */
  setDecider(decider: FaultDecider): void;
  /** Requests received, by `provider/model`. */
  served: Map<string, number>;
  /** Requests received in all. */
  totalServed(): number;
  /** Faults applied, by fault type (`ok` included; a stream-only fault on a JSON request counts as `ok`). */
  faultCounts: Map<string, number>;
  /**
   * Connections the client closed before the head of any request came on them (an attempt
   * cancelled while connecting or sending): requests that never reached the server.
   */
  abandonedConnections(): number;
  /** Forgets the counts. */
  resetCounts(): void;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

/** One stream event as bytes, and whether it carries text / is the terminal event. */
interface WireEvent {
  bytes: Buffer;
  hasText: boolean;
  terminal: boolean;
}

const openAIChunks = recordedLines('openai-text.chunks.txt');
const anthropicChunks = recordedLines('anthropic-text.chunks.txt');
const geminiChunks = recordedLines('google-text.chunks.txt');
const bedrockEvents = readRecordedBedrockEvents(recordedBedrockChunksPath);

/** The recorded Gemini stream as wire events: Vertex streams exactly the same (the recording is Gemini 3 Pro's). */
const googleStream: WireEvent[] = geminiChunks.map((line) => {
  const parsed = JSON.parse(line) as { candidates?: { content?: { parts?: { text?: string }[] }; finishReason?: string }[] };
  const candidate = parsed.candidates?.[0];
  return {
    bytes: Buffer.from(`data: ${line}\r\n\r\n`),
    hasText: Boolean(candidate?.content?.parts?.some((part) => part.text)),
    terminal: candidate?.finishReason !== undefined,
  };
});

/** The recorded stream of each provider as wire events. */
const streams: Record<FaultProvider, WireEvent[]> = {
  openai: [
    ...openAIChunks.map((line) => {
      const parsed = JSON.parse(line) as { choices?: { delta?: { content?: string } }[] };
      return { bytes: Buffer.from(`data: ${line}\n\n`), hasText: Boolean(parsed.choices?.[0]?.delta?.content), terminal: false };
    }),
    { bytes: Buffer.from('data: [DONE]\n\n'), hasText: false, terminal: true },
  ],
  anthropic: anthropicChunks.map((line) => {
    const parsed = JSON.parse(line) as { type: string; delta?: { text?: string } };
    return { bytes: Buffer.from(`event: ${parsed.type}\ndata: ${line}\n\n`), hasText: Boolean(parsed.delta?.text), terminal: parsed.type === 'message_stop' };
  }),
  gemini: googleStream,
  bedrock: bedrockEvents.map((event) => ({
    bytes: encodeEventStreamFrame(event),
    hasText: Boolean((event.payload as { delta?: { text?: string } }).delta?.text),
    terminal: event.type === 'messageStop',
  })),
  vertex: googleStream,
};

/** How many events of `provider`'s recorded stream come before its first text (an `afterEvents` that is still "before text"). */
export function eventsBeforeText(provider: FaultProvider): number {
  return streams[provider].findIndex((event) => event.hasText);
}

const googleStreamText = geminiChunks
  .map((line) => ((JSON.parse(line) as { candidates?: { content?: { parts?: { text?: string; thought?: boolean }[] } }[] }).candidates?.[0]?.content?.parts ?? []).map((part) => part.text ?? '').join(''))
  .join('');

/** The recorded streamed text of `provider`. */
export const recordedStreamText: Record<FaultProvider, string> = {
  openai: openAIChunks.map((line) => (JSON.parse(line) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? '').join(''),
  anthropic: anthropicChunks.map((line) => (JSON.parse(line) as { delta?: { text?: string } }).delta?.text ?? '').join(''),
  gemini: googleStreamText,
  bedrock: bedrockEvents.map((event) => (event.payload as { delta?: { text?: string } }).delta?.text ?? '').join(''),
  vertex: googleStreamText,
};

const jsonBodies: Record<FaultProvider, string> = {
  openai: readRecorded('openai-text.json'),
  anthropic: readRecorded('anthropic-text.json'),
  gemini: readRecorded('google-text.json'),
  bedrock: readRecorded('amazon-bedrock-text.json'),
  vertex: readRecorded('google-text.json'),
};

const geminiRateLimitBody = readRecorded('google-429-retry-info.json');

/**
 * Vertex's 429 when the shared (dynamic) capacity is short: a bare `RESOURCE_EXHAUSTED`, no
 * `QuotaFailure`, no `RetryInfo` (the text Vertex sends, see its error-code-429 page).
 */
const vertexRateLimitBody = JSON.stringify({
  error: {
    code: 429,
    message: 'Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.',
    status: 'RESOURCE_EXHAUSTED',
  },
});

/** The provider's quota-exhausted error body (and headers). */
function quotaResponse(provider: FaultProvider): { body: string; headers: Record<string, string> } {
  switch (provider) {
    case 'openai':
      return {
        body: JSON.stringify({ error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }),
        headers: {},
      };
    case 'anthropic':
      return {
        body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.' } }),
        headers: {},
      };
    case 'gemini':
    case 'vertex': {
      // The recorded RESOURCE_EXHAUSTED, its violation turned into a daily quota (and for Vertex its message).
      const body = JSON.parse(geminiRateLimitBody) as { error: { message: string; details: { violations?: { quotaId: string }[] }[] } };
      if (provider === 'vertex') body.error.message = 'Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_day_per_project_per_base_model with base model: gemini-2.5-flash. Please submit a quota increase request.';
      const violation = body.error.details[0]?.violations?.[0];
      if (violation) violation.quotaId = 'GenerateRequestsPerDayPerProjectPerModel-FreeTier';
      return { body: JSON.stringify(body), headers: {} };
    }
    case 'bedrock':
      return {
        body: JSON.stringify({ message: 'The request would exceed the service quota for your account.' }),
        headers: { 'x-amzn-errortype': 'ServiceQuotaExceededException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
      };
  }
}

/** The provider's real error body (and headers) for `status`. */
function errorResponse(provider: FaultProvider, status: number): { body: string; headers: Record<string, string> } {
  const message = `injected HTTP ${status}`;
  if (provider === 'gemini' && status === 429) return { body: geminiRateLimitBody, headers: {} };
  if (provider === 'vertex' && status === 429) return { body: vertexRateLimitBody, headers: {} };
  switch (provider) {
    case 'openai': {
      const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : status === 401 ? 'invalid_request_error' : 'invalid_request_error';
      const code = status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : null;
      return { body: JSON.stringify({ error: { message, type, param: null, code } }), headers: {} };
    }
    case 'anthropic': {
      const type =
        status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
      return { body: JSON.stringify({ type: 'error', error: { type, message } }), headers: { 'request-id': 'req_fault' } };
    }
    case 'gemini':
    case 'vertex': {
      const googleStatus =
        status === 429 ? 'RESOURCE_EXHAUSTED' : status === 503 ? 'UNAVAILABLE' : status === 401 ? 'UNAUTHENTICATED' : status === 404 ? 'NOT_FOUND' : status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
      return { body: JSON.stringify({ error: { code: status, message, status: googleStatus } }), headers: {} };
    }
    case 'bedrock': {
      const type =
        status === 429 ? 'ThrottlingException' : status === 503 ? 'ServiceUnavailableException' : status === 403 ? 'AccessDeniedException' : status === 404 ? 'ResourceNotFoundException' : status >= 500 ? 'InternalServerException' : 'ValidationException';
      return { body: JSON.stringify({ message }), headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` } };
    }
  }
}

/** An in-band error event in the provider's framing. */
function inBandError(provider: FaultProvider): Buffer {
  switch (provider) {
    case 'openai':
      return Buffer.from(`data: ${JSON.stringify({ error: { message: 'injected in-band error', type: 'server_error', param: null, code: null } })}\n\n`);
    case 'anthropic':
      return Buffer.from(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`);
    case 'gemini':
    case 'vertex':
      return Buffer.from(`data: ${JSON.stringify({ error: { code: 500, message: 'injected in-band error', status: 'INTERNAL' } })}\r\n\r\n`);
    case 'bedrock':
      return encodeEventStreamFrame({ messageType: 'exception', type: 'internalServerException', payload: { message: 'injected in-band error' } });
  }
}

/** A malformed event in the provider's framing (bad JSON in an SSE line, or a frame with a wrong CRC). */
function malformedEvent(provider: FaultProvider): Buffer {
  switch (provider) {
    case 'openai':
      return Buffer.from('data: {"id":"chatcmpl-broken","choices":[{"delta":\n\n');
    case 'anthropic':
      return Buffer.from('event: content_block_delta\ndata: {"type":"content_block_delta","delta":\n\n');
    case 'gemini':
    case 'vertex':
      return Buffer.from('data: {"candidates":[{"content":\r\n\r\n');
    case 'bedrock': {
      const frame = encodeEventStreamFrame({ type: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'x' } } });
      const last = frame.length - 1;
      frame[last] = (frame[last] ?? 0) ^ 0xff;
      return frame;
    }
  }
}

function streamContentType(provider: FaultProvider): string {
  return provider === 'bedrock' ? 'application/vnd.amazon.eventstream' : 'text/event-stream';
}

/** Works out provider, model and streaming from the request line and body. */
function identify(request: IncomingMessage, body: string): Omit<FaultRequest, 'index' | 'body'> | undefined {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const path = decodeURIComponent(url.pathname);
  const parsed = (() => {
    try {
      return JSON.parse(body) as { model?: string; stream?: boolean };
    } catch {
      return {};
    }
  })();
  if (path.endsWith('/chat/completions')) return { provider: 'openai', model: parsed.model ?? '?', stream: parsed.stream === true };
  if (path.endsWith('/messages')) return { provider: 'anthropic', model: parsed.model ?? '?', stream: parsed.stream === true };
  const vertex = /^\/v1(?:beta1)?\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  if (vertex) return { provider: 'vertex', model: vertex[1] ?? '?', stream: vertex[2] === 'streamGenerateContent' };
  const gemini = /\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  if (gemini) return { provider: 'gemini', model: gemini[1] ?? '?', stream: gemini[2] === 'streamGenerateContent' };
  const bedrock = /^\/model\/(.+)\/(converse|converse-stream)$/.exec(path);
  if (bedrock) return { provider: 'bedrock', model: bedrock[1] ?? '?', stream: bedrock[2] === 'converse-stream' };
  return undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('error', () => resolve(Buffer.concat(parts).toString('utf8')));
    // A client gone mid-body: the request still reached the server.
    request.on('close', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}

/** Waits `ms`, or less if the client goes away; resolves false when it went away. */
function waitUnlessClosed(response: ServerResponse, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!response.destroyed);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      response.off('close', onClose);
      resolve(!response.destroyed);
    }, ms);
    response.once('close', onClose);
  });
}

function writeAndWait(response: ServerResponse, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) return resolve();
    response.write(bytes, () => resolve());
  });
}

function reset(response: ServerResponse): void {
  const socket = response.socket;
  if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else response.destroy();
}

/** How a fault server writes its streams. */
export interface FaultServerOptions {
  /**
   * Writes the events a stream sends before its fault (or its end) in one write instead of one
   * write per event: the same bytes, which the client then reads in few chunks, as it does behind
   * a buffering proxy. The recorded OpenAI stream is 302 events: one write each is most of what
   * a soak request costs, on both sides of the socket. Faults after N events still come after
   * exactly those N events.
   * @default false
   */
  coalesceEvents?: boolean;
  /**
   * Keeps only the first `maxTextEvents` events that carry text (and every event that carries
   * none: head, finish, usage, terminal): a shorter answer, in the provider's own recorded
   * events. The text before a fault is then a prefix of the shortened text. Only the OpenAI
   * recording (302 events, 298 with text) is long enough to change.
   * @default every event
   */
  maxTextEvents?: number;
}

/** `events` with only their first `maxTextEvents` text events. */
function shortenStream(events: readonly WireEvent[], maxTextEvents: number): WireEvent[] {
  let textEvents = 0;
  return events.filter((event) => !event.hasText || ++textEvents <= maxTextEvents);
}

/**
 * Starts a node:http server on 127.0.0.1 (a free port) that answers the OpenAI, Anthropic,
 * Gemini, Bedrock and Vertex wire formats with the recorded responses, and injects the fault
 * the installed decider picks for each request.
 */
export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const coalesceEvents = options.coalesceEvents ?? false;
  const { maxTextEvents } = options;
  const serverStreams =
    maxTextEvents === undefined
      ? streams
      : (Object.fromEntries(faultProviders.map((provider) => [provider, shortenStream(streams[provider], maxTextEvents)])) as Record<FaultProvider, WireEvent[]>);
  let decider: FaultDecider = () => ({ type: 'ok' });
  const served = new Map<string, number>();
  const faultCounts = new Map<string, number>();
  let total = 0;
  let abandoned = 0;
  const socketsWithRequest = new WeakSet<Socket>();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const identity = identify(request, body);
    if (identity === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"unknown route"}');
      return;
    }
    const key = `${identity.provider}/${identity.model}`;
    const index = (served.get(key) ?? 0) + 1;
    served.set(key, index);
    total += 1;
    const fault = decider({ ...identity, index, body });
    // Stream-only faults leave a JSON answer whole: count them as what happened.
    const applied = !identity.stream && (fault.type === 'in-band-error' || fault.type === 'no-terminal') ? 'ok' : fault.type;
    faultCounts.set(applied, (faultCounts.get(applied) ?? 0) + 1);
    if (!(await waitUnlessClosed(response, fault.delayMs ?? 0))) return;
    await answer(identity, fault, response, { coalesceEvents, events: serverStreams[identity.provider] });
  };

  const server: Server = createServer((request, response) => {
    socketsWithRequest.add(request.socket);
    handle(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket: Socket) => {
    socket.once('close', () => {
      if (!socketsWithRequest.has(socket)) abandoned += 1;
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    baseUrl: (provider) => (provider === 'openai' ? `${origin}/v1` : origin),
    setDecider(next) {
      decider = next;
    },
    served,
    totalServed: () => total,
    faultCounts,
    abandonedConnections: () => abandoned,
    resetCounts() {
      served.clear();
      faultCounts.clear();
      total = 0;
      abandoned = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function answer(
  identity: Omit<FaultRequest, 'index' | 'body'>,
  fault: Fault,
  response: ServerResponse,
  /** The events of this server's stream for the provider, and how to write them. */
  output: { coalesceEvents: boolean; events: readonly WireEvent[] },
): Promise<void> {
  const { provider } = identity;
  const { coalesceEvents, events } = output;
  if (fault.type === 'status') {
    const error = fault.quota ? quotaResponse(provider) : errorResponse(provider, fault.status);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...error.headers };
    if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
    response.writeHead(fault.status, headers).end(error.body);
    return;
  }
  if ((fault.type === 'reset' || fault.type === 'stall') && (!identity.stream || fault.afterEvents === 0)) {
    if (fault.type === 'reset') reset(response);
    // A stall before any byte: the client waits until it gives up.
    return;
  }
  if (!identity.stream) {
    // Stream-only faults (in-band error, missing terminal event) leave a JSON answer whole.
    const body = fault.type === 'malformed' ? jsonBodies[provider].slice(0, 40) : jsonBodies[provider];
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return;
  }
  response.writeHead(200, { 'content-type': streamContentType(provider), 'cache-control': 'no-cache' });
  response.flushHeaders();
  const stopAt = fault.type === 'ok' || fault.type === 'no-terminal' ? events.length : fault.afterEvents;
  const sent = events.slice(0, stopAt).filter((event) => !(fault.type === 'no-terminal' && event.terminal));
  if (coalesceEvents) {
    if (sent.length > 0) await writeAndWait(response, Buffer.concat(sent.map((event) => event.bytes)));
  } else {
    for (const event of sent) {
      if (response.destroyed) return;
      await writeAndWait(response, event.bytes);
    }
  }
  if (response.destroyed) return;
  switch (fault.type) {
    case 'ok':
    case 'no-terminal':
      response.end();
      return;
    case 'reset':
      // A reset can overtake bytes the client has not read yet (undici then drops its queued
      // chunks): give the client a moment to take what was sent, so "after N events" holds.
      if (await waitUnlessClosed(response, resetGraceMs)) reset(response);
      return;
    case 'stall':
      return;
    case 'malformed':
      await writeAndWait(response, malformedEvent(provider));
      response.end();
      return;
    case 'in-band-error':
      await writeAndWait(response, inBandError(provider));
      response.end();
      return;
  }
}
