import type { GeminiGenerateContentRequest, GeminiGenerateContentResponse } from './gemini-wire-types.js';

/**
 * One Google SDK behind the Gemini adapter. Both backends send the same generateContent body
 * and hand back `GenerateContentResponse`-shaped objects; only the SDK call differs. Errors are
 * the SDK's own: the adapter maps them.
 */
export interface GeminiBackend {
  /** `:generateContent`: the whole answer. */
  generate(model: string, body: GeminiGenerateContentRequest, signal: AbortSignal): Promise<GeminiGenerateContentResponse>;
  /**
   * `:streamGenerateContent?alt=sse`: resolves once the HTTP response started (an HTTP error
   * rejects here), then yields one chunk per SSE event.
   */
  stream(model: string, body: GeminiGenerateContentRequest, signal: AbortSignal): Promise<AsyncIterable<GeminiGenerateContentResponse>>;
}
