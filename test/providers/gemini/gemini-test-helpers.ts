import { http, HttpResponse } from 'msw';
import { GeminiProvider, type GeminiSdk } from '../../../src/providers/gemini/gemini-provider.js';
import type { ProviderRequest } from '../../../src/spec/provider-request.js';
import type { ProviderStreamEvent } from '../../../src/spec/provider-stream-event.js';

/** The recorded responses shared by every adapter's tests. */
export { readRecorded, recordedDirectory, recordedLines as recordedChunks } from '../../setup/recorded-fixtures.js';
export { collectStream } from '../../setup/collect-stream.js';
export { pacedSseResponse as geminiSseResponse } from '../../setup/sse-response.js';


/** The origin msw answers on in Gemini tests. */
export const geminiOrigin = 'https://generativelanguage.test';
/** The model id Gemini tests call. */
export const geminiModel = 'gemini-3-pro-preview';
/** A fake key: nothing in an error or `inspect` may show it. */
export const geminiApiKey = 'AIzaTEST-secret-key-0123456789abcdef';
/** Both SDK backends: every Gemini test runs with each. */
export const geminiSdks: GeminiSdk[] = ['generative-ai', 'genai'];

/** A provider on `sdk` pointed at `origin`. */
export function createGeminiProvider(sdk: GeminiSdk, origin: string = geminiOrigin): GeminiProvider {
  return new GeminiProvider({ name: 'gemini', apiKey: geminiApiKey, baseUrl: origin, sdk });
}

/** A minimal request. */
export function geminiRequest(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    model: geminiModel,
    messages: [{ role: 'user', content: 'How many r in strawberry?' }],
    signal: new AbortController().signal,
    ...overrides,
  };
}


/** Gemini's SSE framing of one event: `data: <json>` and a CRLF blank line. */
export function geminiSseEvent(json: string): string {
  return `data: ${json}\r\n\r\n`;
}

/** Whether a request URL is the streaming endpoint. */
export function isStreamUrl(url: string): boolean {
  return new URL(url).pathname.endsWith(':streamGenerateContent');
}


/** A Google error body. */
export function googleError(status: number, googleStatus: string, message: string, details?: object[]): Response {
  return HttpResponse.json({ error: { code: status, message, status: googleStatus, ...(details ? { details } : {}) } }, { status });
}

/** One handler for both generateContent endpoints of every model under `origin`. */
export function geminiHandler(
  answer: (context: { request: Request; stream: boolean }) => Response | Promise<Response>,
  origin: string = geminiOrigin,
) {
  return http.post(`${origin}/v1beta/models/*`, ({ request }) => answer({ request, stream: isStreamUrl(request.url) }));
}


/** The concatenated text of `text-delta` events. */
export function textOf(events: ProviderStreamEvent[]): string {
  return events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
}
