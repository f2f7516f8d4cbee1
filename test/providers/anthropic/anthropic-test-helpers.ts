import { http, HttpResponse } from 'msw';
import { AnthropicProvider } from '../../../src/providers/anthropic/anthropic-provider.js';
import type { ProviderRequest } from '../../../src/spec/provider-request.js';
import type { ProviderStreamEvent } from '../../../src/spec/provider-stream-event.js';

/** The recorded responses shared by every adapter's tests. */
export { readRecorded, recordedDirectory, recordedLines as recordedChunks } from '../../setup/recorded-fixtures.js';
export { collectStream } from '../../setup/collect-stream.js';
export { pacedSseResponse as anthropicSseResponse } from '../../setup/sse-response.js';


/** The origin msw answers on in Anthropic tests. */
export const anthropicOrigin = 'https://api.anthropic.test';
/** The model id Anthropic tests call (not one the SDK warns about as deprecated). */
export const anthropicModel = 'claude-haiku-4-5-20251001';
/** A fake key: nothing in an error or `inspect` may show it. */
export const anthropicApiKey = 'sk-ant-test-secret-0123456789abcdef';

/** A provider pointed at `origin`. */
export function createAnthropicProvider(origin: string = anthropicOrigin): AnthropicProvider {
  return new AnthropicProvider({ name: 'anthropic', apiKey: anthropicApiKey, baseUrl: origin });
}

/** A minimal request. */
export function anthropicRequest(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    model: anthropicModel,
    messages: [{ role: 'user', content: 'Hello, how are you?' }],
    signal: new AbortController().signal,
    ...overrides,
  };
}


/** Anthropic's SSE framing of one event: `event: <its type>` then `data: <json>`. */
export function anthropicSseEvent(json: string): string {
  const type = (JSON.parse(json) as { type: string }).type;
  return `event: ${type}\ndata: ${json}\n\n`;
}


/** An Anthropic error response: `{ type: 'error', error: { type, message } }`. */
export function anthropicError(status: number, type: string, message: string, headers: Record<string, string> = {}) {
  return HttpResponse.json({ type: 'error', error: { type, message }, request_id: 'req_test' }, { status, headers: { 'request-id': 'req_test', ...headers } });
}

/** One handler for `POST /v1/messages`, streaming or not. */
export function messagesHandler(
  answer: (context: { request: Request; body: Record<string, unknown>; stream: boolean }) => Response | Promise<Response>,
  origin: string = anthropicOrigin,
) {
  return http.post(`${origin}/v1/messages`, async ({ request }) => {
    const body = (await request.clone().json()) as Record<string, unknown>;
    return answer({ request, body, stream: body.stream === true });
  });
}


/** The concatenated text of `text-delta` events. */
export function textOf(events: ProviderStreamEvent[]): string {
  return events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
}
