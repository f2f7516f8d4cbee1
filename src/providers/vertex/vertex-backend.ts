import type { GeminiBackend } from '../gemini/gemini-backend.js';

/**
 * One Google SDK behind the Vertex adapter: generateContent and its stream (the Gemini
 * backend contract, same body and chunks), plus the publisher-model listing. Errors are the
 * SDK's own: the adapter maps them with `mapVertexError`.
 */
export interface VertexBackend extends GeminiBackend {
  /** Base model ids from `GET /v1beta1/publishers/google/models`, every page. */
  listModelIds(signal?: AbortSignal): Promise<string[]>;
}

/** What both backends are built from. */
export interface VertexBackendOptions {
  providerName: string;
  projectId: string;
  location: string;
  /** `@google-cloud/vertexai`'s `apiEndpoint` (`host[:port]`). */
  apiEndpoint?: string;
  /** `@google/genai`'s `httpOptions.baseUrl`. */
  genaiBaseUrl?: string;
  /** The REST root for listing models (`https://host[:port]`). */
  origin: string;
  /** `googleAuthOptions` for the SDK: a key file, an injected client, or nothing (ADC). */
  googleAuthOptions: Record<string, unknown>;
}
