import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the local server answers a model: `ok` (the default), or an HTTP error status. */
export type LocalModelBehaviour = 'ok' | { status: number; type: string; message: string; failures?: number };

/** Options of {@link startLocalProviderServer}. */
export interface LocalProviderServerOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** Per model id; a model with `failures: n` fails n times, then answers. */
  models?: Record<string, LocalModelBehaviour>;
}

/** A running local server; `baseUrl` is what an `openai` provider entry takes as `base_url`. */
export interface LocalProviderServer {
  baseUrl: string;
  /** Requests served, by model id. */
  served: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A small server on 127.0.0.1 that speaks the OpenAI Chat Completions wire format, JSON and SSE
 * (`stream_options.include_usage`, the last chunk with `choices: []`, then `data: [DONE]`), with
 * OpenAI's error bodies. It answers deterministically from the prompt, so the demo and examples
 * run offline with the real `openai` SDK and no account.
 */
export async function startLocalProviderServer(options: LocalProviderServerOptions = {}): Promise<LocalProviderServer> {
  const served = new Map<string, number>();
  const failuresLeft = new Map<string, number>();
  for (const [model, behaviour] of Object.entries(options.models ?? {})) {
    if (behaviour !== 'ok') failuresLeft.set(model, behaviour.failures ?? Number.POSITIVE_INFINITY);
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, errorBody('server_error', String(error)));
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET' && url.pathname === '/v1/models') {
      const ids = ['gpt-4o-mini', 'gpt-4o', ...Object.keys(options.models ?? {})];
      sendJson(response, 200, { object: 'list', data: [...new Set(ids)].map((id) => ({ id, object: 'model', created: 0, owned_by: 'local' })) });
      return;
    }
    if (request.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
      sendJson(response, 404, errorBody('invalid_request_error', `Unknown path ${url.pathname}`));
      return;
    }
    const body = JSON.parse(await readBody(request)) as {
      model: string;
      stream?: boolean;
      messages: Array<{ role: string; content: string }>;
      max_tokens?: number;
    };
    served.set(body.model, (served.get(body.model) ?? 0) + 1);
    const behaviour = options.models?.[body.model];
    const left = failuresLeft.get(body.model) ?? 0;
    if (behaviour && behaviour !== 'ok' && left > 0) {
      failuresLeft.set(body.model, left - 1);
      sendJson(response, behaviour.status, errorBody(behaviour.type, behaviour.message));
      return;
    }
    const prompt = body.messages.map((message) => message.content).join('\n');
    const words = answerFor(prompt).split(/(?= )/);
    const pieces = body.max_tokens !== undefined ? words.slice(0, body.max_tokens) : words;
    const usage = {
      prompt_tokens: estimateTokens(prompt),
      completion_tokens: pieces.length,
      total_tokens: estimateTokens(prompt) + pieces.length,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    const finishReason = pieces.length < words.length ? 'length' : 'stop';
    const id = `chatcmpl-local-${Date.now()}`;
    const created = Math.floor(Date.now() / 1000);
    if (!body.stream) {
      sendJson(response, 200, {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: pieces.join(''), refusal: null }, logprobs: null, finish_reason: finishReason }],
        usage,
      });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices, usage: null, ...extra })}\n\n`;
    response.write(chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]));
    for (const piece of pieces) {
      response.write(chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]));
    }
    response.write(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]));
    response.write(chunk([], { usage }));
    response.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    served,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function answerFor(prompt: string): string {
  const count = /count to (\d+)/i.exec(prompt);
  if (count) {
    const n = Math.min(Number(count[1]), 100);
    return Array.from({ length: n }, (_, i) => String(i + 1)).join(', ') + '.';
  }
  return `You said: "${prompt.slice(0, 200)}". This answer comes from the local provider server.`;
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function errorBody(type: string, message: string) {
  return { error: { message, type, param: null, code: type === 'server_error' ? null : type } };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}
