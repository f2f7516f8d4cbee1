import { loadOptionalSdk } from '../../internal/load-optional-sdk.js';
import type { GeminiBackend } from './gemini-backend.js';
import type { GeminiGenerateContentResponse } from './gemini-wire-types.js';
import { toGenaiParameters } from './to-genai-parameters.js';

/**
 * The `@google/genai` backend (`sdk: genai`), Google's maintained SDK, on the Gemini API (never
 * Vertex, whatever `GOOGLE_GENAI_USE_VERTEXAI` says). It retries nothing unless asked to, and
 * its automatic continuation is turned off.
 */
export async function createGenaiBackend(options: { providerName: string; apiKey: string; baseUrl?: string }): Promise<GeminiBackend> {
  const sdk = await loadOptionalSdk('@google/genai', options.providerName, () => import('@google/genai'));
  const client = new sdk.GoogleGenAI({
    apiKey: options.apiKey,
    vertexai: false,
    ...(options.baseUrl === undefined ? {} : { httpOptions: { baseUrl: options.baseUrl } }),
  });
  return {
    async generate(model, body, signal) {
      const response = await client.models.generateContent(toGenaiParameters(model, body, signal) as never);
      return response as GeminiGenerateContentResponse;
    },
    async stream(model, body, signal) {
      const stream = await client.models.generateContentStream(toGenaiParameters(model, body, signal) as never);
      return stream as AsyncIterable<GeminiGenerateContentResponse>;
    },
  };
}
