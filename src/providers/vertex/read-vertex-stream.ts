import { ProviderError } from '../../errors/provider-error.js';
import type { ProviderStreamEvent } from '../../spec/provider-stream-event.js';
import type { Usage } from '../../spec/usage.js';
import { createGeminiContentFilterError, isGeminiContentFilterRefusal } from '../gemini/create-gemini-content-filter-error.js';
import type { GeminiGenerateContentResponse } from '../gemini/gemini-wire-types.js';
import { mapGeminiResponse } from '../gemini/map-gemini-response.js';
import { mapGoogleError } from '../gemini/map-google-error.js';

/** What {@link readVertexStream} reports to its caller while it runs. */
export interface VertexStreamState {
  /** The last usage seen, for an error raised after it. */
  usage?: Usage;
}

/**
 * Turns streamGenerateContent chunks (either Google SDK) into {@link ProviderStreamEvent}s:
 * each chunk's text, its running `usageMetadata` (last wins), and `finish` at the first chunk
 * with a `finishReason` (Vertex's terminal event). Reading goes on to the end after it, for
 * the final usage. A blocked prompt, or a safety stop before any text, is thrown as kind
 * `content_filter`; an `error` object inside the stream as its Google kind. Errors of the
 * iterator itself pass through unchanged, for the adapter to map.
 */
export async function* readVertexStream(
  chunks: AsyncIterable<GeminiGenerateContentResponse>,
  context: { provider: string; model: string; state: VertexStreamState },
): AsyncGenerator<ProviderStreamEvent> {
  let text = '';
  let finished = false;
  for await (const chunk of chunks) {
    const inBandError = (chunk as { error?: unknown }).error;
    if (typeof inBandError === 'object' && inBandError !== null) {
      const classification = mapGoogleError(undefined, chunk);
      throw new ProviderError({
        provider: context.provider,
        model: context.model,
        kind: classification.kind,
        message: classification.message,
        cause: inBandError,
        ...(classification.status !== undefined ? { status: classification.status } : {}),
        ...(classification.retryAfterMs !== undefined ? { retryAfterMs: classification.retryAfterMs } : {}),
        ...(context.state.usage !== undefined ? { usage: context.state.usage } : {}),
      });
    }
    const mapped = mapGeminiResponse(chunk);
    if (isGeminiContentFilterRefusal(mapped, text)) {
      throw createGeminiContentFilterError({ provider: context.provider, model: context.model, mapped });
    }
    if (mapped.text !== '') {
      text += mapped.text;
      yield { type: 'text-delta', text: mapped.text };
    }
    if (mapped.usage !== undefined) {
      context.state.usage = mapped.usage;
      yield { type: 'usage', usage: mapped.usage };
    }
    if (mapped.finishReason !== undefined && !finished) {
      finished = true;
      yield {
        type: 'finish',
        finishReason: mapped.finishReason,
        ...(mapped.responseModel !== undefined ? { responseModel: mapped.responseModel } : {}),
      };
    }
  }
}
