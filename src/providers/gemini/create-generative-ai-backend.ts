import { loadOptionalSdk } from '../../internal/load-optional-sdk.js';
import type { GeminiBackend } from './gemini-backend.js';
import type { GeminiGenerateContentResponse } from './gemini-wire-types.js';

/**
 * The `@google/generative-ai` backend (the default; Google ended its support on 2025-08-31,
 * `sdk: genai` is recommended for new projects). The SDK makes no retries of its own.
 */
export async function createGenerativeAiBackend(options: { providerName: string; apiKey: string; baseUrl?: string }): Promise<GeminiBackend> {
  const sdk = await loadOptionalSdk('@google/generative-ai', options.providerName, () => import('@google/generative-ai'));
  const client = new sdk.GoogleGenerativeAI(options.apiKey);
  const requestOptions = options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl };
  return {
    async generate(model, body, signal) {
      // The SDK's own request type is narrower than the wire (e.g. `thought` parts); it forwards the body as JSON.
      const result = await client.getGenerativeModel({ model }, requestOptions).generateContent(body as never, { signal });
      return result.response as GeminiGenerateContentResponse;
    },
    async stream(model, body, signal) {
      const result = await client.getGenerativeModel({ model }, requestOptions).generateContentStream(body as never, { signal });
      // `response` aggregates the same stream and rejects when it fails: nobody awaits it, and an
      // unhandled rejection would end the process.
      result.response.catch(() => {});
      return result.stream as AsyncIterable<GeminiGenerateContentResponse>;
    },
  };
}
