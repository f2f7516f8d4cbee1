import { loadOptionalSdk } from '../../internal/load-optional-sdk.js';
import type { GeminiGenerateContentResponse } from '../gemini/gemini-wire-types.js';
import { raceAbort } from '../../internal/race-abort.js';
import { abortableIterable } from './abortable.js';
import { VertexAccessTokenError } from './create-vertex-auth-client.js';
import { listVertexPublisherModels } from './list-vertex-publisher-models.js';
import type { VertexBackend, VertexBackendOptions } from './vertex-backend.js';

/**
 * The `@google-cloud/vertexai` backend (the default). `VertexAI` is built once here because it
 * prints a deprecation warning on every construction. The SDK retries nothing, speaks only
 * https and takes no abort signal: an abort stops the wait at once, but the HTTP request runs
 * on until the server ends it.
 */
export async function createVertexaiBackend(options: VertexBackendOptions): Promise<VertexBackend> {
  const sdk = await loadOptionalSdk('@google-cloud/vertexai', options.providerName, () => import('@google-cloud/vertexai'));
  const vertex = new sdk.VertexAI({
    project: options.projectId,
    location: options.location,
    ...(options.apiEndpoint !== undefined ? { apiEndpoint: options.apiEndpoint } : {}),
    googleAuthOptions: options.googleAuthOptions as never,
  });
  // The SDK's own GoogleAuth (built from the same options): the one token source for REST calls.
  const googleAuth = (vertex as unknown as { googleAuth?: { getAccessToken(): Promise<string | null | undefined> } }).googleAuth;

  return {
    async generate(model, body, signal) {
      const generative = vertex.getGenerativeModel({ model });
      const result = await raceAbort(generative.generateContent(body as never), signal);
      return result.response as GeminiGenerateContentResponse;
    },
    async stream(model, body, signal) {
      const generative = vertex.getGenerativeModel({ model });
      // Nothing reads the aggregated `response`; when the stream fails it rejects too, and an
      // unhandled rejection would end the process. The handler goes on before the race: after an
      // abort the result still arrives, unread, and its body may fail later.
      const started = generative.generateContentStream(body as never).then((result) => {
        result.response.catch(() => {});
        return result;
      });
      const result = await raceAbort(started, signal);
      return abortableIterable(result.stream as AsyncIterable<GeminiGenerateContentResponse>, signal);
    },
    listModelIds(signal) {
      return listVertexPublisherModels({
        origin: options.origin,
        projectId: options.projectId,
        ...(signal !== undefined ? { signal } : {}),
        async getAccessToken() {
          let token: string | null | undefined;
          try {
            token = await googleAuth?.getAccessToken();
          } catch (error) {
            throw new VertexAccessTokenError(error);
          }
          if (!token) throw new VertexAccessTokenError(new Error('no access token'));
          return token;
        },
      });
    },
  };
}
