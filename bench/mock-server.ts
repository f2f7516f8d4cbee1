/**
 * The benchmark's mock provider: a node:http server on 127.0.0.1 (port 0) speaking OpenAI Chat
 * Completions (`POST /v1/chat/completions`, JSON and SSE with the usage chunk and `data: [DONE]`)
 * and Anthropic Messages (`POST /v1/messages`, JSON and SSE to `message_stop`).
 *
 * It runs in a child process so its work never shares the measured process's event loop:
 * {@link spawnMockServer} forks this file (`node --import tsx`) and the child reports its port
 * over IPC. Every answer is pre-serialized once and written in one piece: no artificial delay.
 *
 * With `stall: true` a stream sends its preamble and first text chunk, then holds the response
 * open until `POST /__release` ends every held stream (used to keep 1,000 streams open).
 */
import { fork } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** How the mock server answers. */
export interface MockServerOptions {
  /**
   * Text chunks per streamed answer (the JSON answer holds the same text).
   * @default 20
   */
  chunks: number;
  /**
   * Characters per text chunk.
   * @default 16
   */
  chunkSize: number;
  /**
   * Hold every stream open after its first text chunk until `POST /__release`.
   * @default false
   */
  stall: boolean;
}

/** Default {@link MockServerOptions}. */
export const defaultMockServerOptions: MockServerOptions = { chunks: 20, chunkSize: 16, stall: false };

/** A mock server running in a child process. */
export interface MockServerHandle {
  /** `http://127.0.0.1:<port>`: Anthropic's base URL; OpenAI's is this plus `/v1`. */
  origin: string;
  /** Ends every stalled stream (resolves once the server answered). */
  release(): Promise<void>;
  /** TCP connections accepted and requests served so far. */
  stats(): Promise<{ connections: number; requests: number }>;
  /** Stops the child process. */
  close(): Promise<void>;
}

interface Answer {
  json: Buffer;
  /** The SSE body up to and including the first text chunk. */
  streamHead: Buffer;
  /** The rest of the SSE body. */
  streamTail: Buffer;
}

const usage = { inputTokens: 12 };

function chunkText(options: MockServerOptions, index: number): string {
  const letter = String.fromCharCode(97 + (index % 26));
  return letter.repeat(Math.max(1, options.chunkSize));
}

function buildOpenAIAnswer(options: MockServerOptions): Answer {
  const id = 'chatcmpl-bench';
  const created = 1_770_000_000;
  const model = 'gpt-4o-mini-2024-07-18';
  const texts = Array.from({ length: options.chunks }, (_, index) => chunkText(options, index));
  const outputTokens = options.chunks;
  const usageBody = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: outputTokens,
    total_tokens: usage.inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const json = {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: texts.join(''), refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: usageBody,
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  };
  const event = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: 'fp_bench', choices, usage: null, ...extra })}\n\n`;
  const head =
    event([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]) +
    event([{ index: 0, delta: { content: texts[0] ?? 'a' }, logprobs: null, finish_reason: null }]);
  let tail = '';
  for (const text of texts.slice(1)) tail += event([{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }]);
  tail += event([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
  tail += event([], { usage: usageBody });
  tail += 'data: [DONE]\n\n';
  return { json: Buffer.from(JSON.stringify(json)), streamHead: Buffer.from(head), streamTail: Buffer.from(tail) };
}

function buildAnthropicAnswer(options: MockServerOptions): Answer {
  const model = 'claude-haiku-4-5-20251001';
  const texts = Array.from({ length: options.chunks }, (_, index) => chunkText(options, index));
  const startUsage = { input_tokens: usage.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1, service_tier: 'standard' };
  const json = {
    model,
    id: 'msg_bench',
    type: 'message',
    role: 'assistant',
    content: [{ type: 'text', text: texts.join('') }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { ...startUsage, output_tokens: options.chunks },
  };
  const event = (body: { type: string } & Record<string, unknown>) => `event: ${body.type}\ndata: ${JSON.stringify(body)}\n\n`;
  const head =
    event({ type: 'message_start', message: { model, id: 'msg_bench', type: 'message', role: 'assistant', content: [], stop_reason: null, stop_sequence: null, usage: startUsage } }) +
    event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
    event({ type: 'ping' }) +
    event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: texts[0] ?? 'a' } });
  let tail = '';
  for (const text of texts.slice(1)) tail += event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
  tail += event({ type: 'content_block_stop', index: 0 });
  tail += event({
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { input_tokens: usage.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: options.chunks },
  });
  tail += event({ type: 'message_stop' });
  return { json: Buffer.from(JSON.stringify(json)), streamHead: Buffer.from(head), streamTail: Buffer.from(tail) };
}

/** Starts the server in this process; returns its port and a `close`. */
export async function startMockServer(options: MockServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const answers: Record<string, Answer> = {
    '/v1/chat/completions': buildOpenAIAnswer(options),
    '/v1/messages': buildAnthropicAnswer(options),
  };
  const stalled = new Map<ServerResponse, Buffer>();
  let connections = 0;
  let requests = 0;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    if (request.method === 'GET' && path === '/__stats') {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ connections, requests }));
      return;
    }
    requests += 1;
    if (request.method === 'POST' && path === '/__release') {
      request.resume();
      for (const [held, tail] of stalled) held.end(tail);
      const released = stalled.size;
      stalled.clear();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ released }));
      return;
    }
    const answer = answers[path];
    if (request.method !== 'POST' || answer === undefined) {
      request.resume();
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `unknown path ${path}`, type: 'invalid_request_error' } }));
      return;
    }
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      // The body's `stream` flag is all the server reads: a substring test keeps parsing off its hot path.
      const streaming = Buffer.concat(parts).includes('"stream":true');
      if (!streaming) {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.json.length, 'request-id': 'req_bench', 'x-request-id': 'req_bench' });
        response.end(answer.json);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_bench', 'x-request-id': 'req_bench' });
      if (options.stall) {
        response.write(answer.streamHead);
        stalled.set(response, answer.streamTail);
        response.on('close', () => stalled.delete(response));
        return;
      }
      response.end(Buffer.concat([answer.streamHead, answer.streamTail]));
    });
  });
  // Counted so the benchmark can tell a client that reuses keep-alive sockets from one that does not.
  server.on('connection', () => {
    connections += 1;
  });
  server.keepAliveTimeout = 60_000;
  server.maxConnections = 20_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Forks this file as a child process (`node --import tsx`) and waits for its port (over IPC,
 * 15 s at most).
 */
export async function spawnMockServer(options: Partial<MockServerOptions> = {}): Promise<MockServerHandle> {
  const settings: MockServerOptions = { ...defaultMockServerOptions, ...options };
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(settings)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the mock server did not report its port within 15 s')), 15_000);
    child.once('message', (message: { port?: number }) => {
      clearTimeout(timer);
      if (typeof message.port === 'number') resolve(message.port);
      else reject(new Error('the mock server sent no port'));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the mock server exited early (code ${String(code)})`));
    });
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    release: async () => {
      const response = await fetch(`${origin}/__release`, { method: 'POST' });
      await response.arrayBuffer();
    },
    stats: async () => (await (await fetch(`${origin}/__stats`)).json()) as { connections: number; requests: number },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const runAsChild = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1] && typeof process.send === 'function';
if (runAsChild) {
  const settings: MockServerOptions = { ...defaultMockServerOptions, ...(JSON.parse(process.argv[2] ?? '{}') as Partial<MockServerOptions>) };
  const { port, close } = await startMockServer(settings);
  process.send?.({ port });
  // The parent going away (IPC closed) or a SIGTERM both end the server.
  const stop = () => {
    void close().then(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
}
