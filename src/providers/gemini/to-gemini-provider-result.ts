import type { ProviderResult } from '../../spec/provider-result.js';
import { createGeminiContentFilterError, isGeminiContentFilterRefusal } from './create-gemini-content-filter-error.js';
import type { GeminiGenerateContentResponse } from './gemini-wire-types.js';
import { mapGeminiResponse } from './map-gemini-response.js';

/**
 * A Gemini or Vertex generateContent answer as a {@link ProviderResult}; a refusal with no text
 * throws the `content_filter` error (with the usage, so the attempt is billed).
 */
export function toGeminiProviderResult(response: GeminiGenerateContentResponse, where: { provider: string; model: string }): ProviderResult {
  const mapped = mapGeminiResponse(response);
  if (isGeminiContentFilterRefusal(mapped, '')) throw createGeminiContentFilterError({ ...where, mapped });
  return {
    content: mapped.text,
    finishReason: mapped.finishReason ?? 'other',
    ...(mapped.usage === undefined ? {} : { usage: mapped.usage }),
    ...(mapped.responseModel === undefined ? {} : { responseModel: mapped.responseModel }),
  };
}
