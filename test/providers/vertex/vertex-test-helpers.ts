import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { VertexProvider } from '../../../src/providers/vertex/vertex-provider.js';
import type { VertexSdk } from '../../../src/providers/vertex/vertex-provider-options.js';
import type { ProviderRequest } from '../../../src/spec/provider-request.js';
import type { ProviderStreamEvent } from '../../../src/spec/provider-stream-event.js';

import { recordedDirectory } from '../../setup/recorded-fixtures.js';

/** Reads a recorded file as text. */
export function readRecorded(name: string): string {
  return readFileSync(`${recordedDirectory}${name}`, 'utf8');
}

/** The lines of a recorded `.chunks.txt` file, one JSON event each. */
export function recordedChunks(name: string): string[] {
  return readRecorded(name)
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** The origin msw answers on in Vertex tests. */
export const vertexOrigin = 'https://vertex.test';
/** The model id Vertex tests call (the recorded responses are gemini-3-pro-preview's). */
export const vertexModel = 'gemini-3-pro-preview';
/** Both SDK backends. */
export const vertexSdks: VertexSdk[] = ['vertexai', 'genai'];
/** The access token the injected auth client hands out. */
export const vertexToken = 'ya29.test-access-token-0123456789';

/** An injected auth client: nothing reaches Google's token or metadata servers. */
export function fakeAuthClient(token: string = vertexToken) {
  return { getAccessToken: async () => ({ token }) };
}

/** A provider on `sdk` pointed at `origin`, with the fake auth client. */
export function createVertexProvider(sdk: VertexSdk, origin: string = vertexOrigin, overrides: Partial<ConstructorParameters<typeof VertexProvider>[0]> = {}): VertexProvider {
  return new VertexProvider({
    name: 'vertex',
    projectId: 'test-project',
    location: 'us-central1',
    baseUrl: origin,
    sdk,
    authClient: fakeAuthClient(),
    ...overrides,
  });
}

/** A minimal request. */
export function vertexRequest(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    model: vertexModel,
    messages: [{ role: 'user', content: 'How many r in strawberry?' }],
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** Google's SSE framing of one event. */
export function sseEvent(json: string): string {
  return `data: ${json}\r\n\r\n`;
}

/** Whether a request URL is the streaming endpoint. */
export function isStreamUrl(url: string): boolean {
  return new URL(url).pathname.endsWith(':streamGenerateContent');
}

/** A handler for every generateContent / streamGenerateContent call on `origin`. */
export function generateHandler(respond: (request: Request) => Response | Promise<Response>, origin: string = vertexOrigin) {
  return http.post(`${origin}/:version/projects/:project/locations/:location/publishers/google/models/*`, ({ request }) => respond(request));
}

/**
 * An HTTP 200 SSE response, one event per pull. With `error`, the body then fails with it
 * (after `cut` resolves, when given): an error before the reader took the queued events would
 * discard them.
 */
export function sseResponse(events: string[], options: { error?: Error; cut?: Promise<void> } = {}): Response {
  const encoder = new TextEncoder();
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const event = events[index++];
      if (event !== undefined) controller.enqueue(encoder.encode(event));
      else if (options.error !== undefined) {
        await options.cut;
        controller.error(options.error);
      } else controller.close();
    },
  });
  return new HttpResponse(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

/** A Google JSON error response. */
export function googleErrorResponse(status: number, body: unknown): Response {
  return HttpResponse.json(body as Record<string, unknown>, { status });
}

/** Reads a whole stream; returns the events, their text and the error it threw, if any. */
export async function collectStream(stream: AsyncIterable<ProviderStreamEvent>) {
  const events: ProviderStreamEvent[] = [];
  let error: unknown;
  try {
    for await (const event of stream) events.push(event);
  } catch (caught) {
    error = caught;
  }
  const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
  return { events, error, text };
}
