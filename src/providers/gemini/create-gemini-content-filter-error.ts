import { ProviderError } from '../../errors/provider-error.js';
import type { MappedGeminiResponse } from './map-gemini-response.js';

/**
 * The error for a Gemini / Vertex answer that a safety filter stopped before any text: a
 * blocked prompt (`promptFeedback.blockReason`) or a candidate that finished with a
 * content-filter reason (`SAFETY`, `RECITATION`...) and no text. Kind `content_filter` (the
 * call stops: another model would most likely refuse too), with the usage Google reported so
 * the attempt is still billed.
 */
export function createGeminiContentFilterError(options: { provider: string; model: string; mapped: MappedGeminiResponse }): ProviderError {
  const { mapped } = options;
  const what = mapped.promptBlockReason !== undefined ? `prompt blocked (${mapped.promptBlockReason})` : `answer blocked (${mapped.rawFinishReason ?? 'content filter'})`;
  return new ProviderError({
    provider: options.provider,
    model: options.model,
    kind: 'content_filter',
    message: mapped.blockMessage ? `${what}: ${mapped.blockMessage}` : what,
    ...(mapped.usage === undefined ? {} : { usage: mapped.usage }),
  });
}

/** Whether a mapped answer is a refusal with nothing in it (see {@link createGeminiContentFilterError}). */
export function isGeminiContentFilterRefusal(mapped: MappedGeminiResponse, textSoFar: string): boolean {
  return mapped.promptBlockReason !== undefined || (mapped.finishReason === 'content_filter' && textSoFar === '' && mapped.text === '');
}
