import { readFileSync } from 'node:fs';
import { http, HttpResponse, type JsonBodyType } from 'msw';
import { createUsage } from '../../../src/spec/usage.js';

/** The recorded responses shared by every agent (see its README). */
export { recordedDirectory } from '../../setup/recorded-fixtures.js';
import { recordedDirectory } from '../../setup/recorded-fixtures.js';

/** The origin msw answers on in OpenAI tests; the SDK's base URL is `${origin}/v1`. */
export const openAIMockOrigin = 'https://api.openai.test';
/** The chat endpoint under {@link openAIMockOrigin}. */
export const chatCompletionsUrl = `${openAIMockOrigin}/v1/chat/completions`;

/** The recorded gpt-4.1-nano non-streaming response. */
export const recordedCompletion = JSON.parse(readFileSync(`${recordedDirectory}/openai-text.json`, 'utf8')) as {
  model: string;
  choices: { message: { content: string }; finish_reason: string }[];
  usage: Record<string, unknown>;
};

/** The recorded stream: one JSON chunk per line, as OpenAI sent them (without `[DONE]`). */
export const recordedChunkLines = readFileSync(`${recordedDirectory}/openai-text.chunks.txt`, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');

/** The recorded 400 `invalid_request_error` body (`unsupported_parameter` on `max_tokens`). */
export const recordedLegacyParameterError = JSON.parse(readFileSync(`${recordedDirectory}/reasoning-model-legacy-parameter-error.json`, 'utf8')) as {
  error: { message: string; type: string; param: string; code: string };
};

/** The text of some chunk lines, read the way a test reads it (independent of the adapter). */
export function textOfChunkLines(lines: readonly string[]): string {
  return lines
    .map((line) => (JSON.parse(line) as { choices: { delta?: { content?: string | null } }[] }).choices[0]?.delta?.content ?? '')
    .join('');
}

/** `data: <line>\n\n` per chunk line, optionally followed by `data: [DONE]\n\n`. */
export function sseEvents(lines: readonly string[], withDone: boolean): string[] {
  const events = lines.map((line) => `data: ${line}\n\n`);
  if (withDone) events.push('data: [DONE]\n\n');
  return events;
}

/**
 * A `text/event-stream` body of the given events. With `cut`, the body stays open after them and
 * fails with `TypeError: terminated` (what undici throws on a broken connection) when `cut` resolves.
 */
export function sseBody(events: readonly string[], cut?: Promise<void>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const event of events) controller.enqueue(encoder.encode(event));
      if (cut) void cut.then(() => controller.error(new TypeError('terminated')));
      else controller.close();
    },
  });
}

/** Response headers OpenAI sends with a stream. */
export const streamHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req_test' };

/** msw handler: the chat endpoint answers with these SSE events. */
export function streamHandler(events: readonly string[], cut?: Promise<void>) {
  return http.post(chatCompletionsUrl, () => new HttpResponse(sseBody(events, cut), { headers: streamHeaders }));
}

/** msw handler: the chat endpoint answers every call with an error status, body and headers. */
export function errorHandler(status: number, body: JsonBodyType, headers: Record<string, string> = {}) {
  return http.post(chatCompletionsUrl, () =>
    typeof body === 'string'
      ? new HttpResponse(body, { status, headers: { 'content-type': 'text/html', ...headers } })
      : HttpResponse.json(body, { status, headers }),
  );
}

/** The recorded send usage mapped to our meaning (input includes cached, output includes reasoning). */
export const recordedSendUsage = createUsage({ inputTokens: 16, outputTokens: 363, totalTokens: 379, cacheReadTokens: 0, reasoningTokens: 0 });
/** The recorded stream's final usage chunk mapped to our meaning. */
export const recordedStreamUsage = createUsage({ inputTokens: 16, outputTokens: 300, totalTokens: 316, cacheReadTokens: 0, reasoningTokens: 0 });
