import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { VertexProvider } from '../../../src/providers/vertex/vertex-provider.js';
import type { VertexSdk } from '../../../src/providers/vertex/vertex-provider-options.js';
import type { ProviderRequest } from '../../../src/spec/provider-request.js';

export { readRecorded, recordedLines as recordedChunks } from '../../setup/recorded-fixtures.js';

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

export { pacedSseResponse as sseResponse } from '../../setup/sse-response.js';

/** A Google JSON error response. */
export function googleErrorResponse(status: number, body: unknown): Response {
  return HttpResponse.json(body as Record<string, unknown>, { status });
}

export { collectStream } from '../../setup/collect-stream.js';

/**
 * Writes a Google service-account key file (a fresh RSA key, `test-project`) into `directory`
 * and returns its path: what `credentials_path` names.
 */
export function writeServiceAccountKey(directory: string): string {
  const keyPath = join(directory, 'service-account.json');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(
    keyPath,
    JSON.stringify({
      type: 'service_account',
      project_id: 'test-project',
      private_key_id: 'key-1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: 'llm@test-project.iam.gserviceaccount.com',
      client_id: '1',
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
  );
  return keyPath;
}
