import { loadOptionalSdk } from '../../internal/load-optional-sdk.js';
import type { GeminiBackend } from './gemini-backend.js';
import { genaiGenerateMethods } from './genai-generate-methods.js';

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
  return genaiGenerateMethods(client);
}
