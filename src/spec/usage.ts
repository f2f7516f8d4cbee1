/**
 * Token counts of one attempt, normalized across providers.
 *
 * Every adapter maps its provider's fields to exactly this meaning:
 * - `inputTokens` is all input, cached parts included (Anthropic and Bedrock report cache reads
 *   and writes apart from their input count; adapters add them back in).
 * - `outputTokens` is all output, reasoning included (Gemini's thoughts are output).
 * - `totalTokens` is `inputTokens + outputTokens` unless the provider reports its own total.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Input tokens served from the provider's prompt cache (a part of `inputTokens`). */
  cacheReadTokens: number;
  /** Input tokens written to the provider's prompt cache (a part of `inputTokens`). */
  cacheWriteTokens: number;
  /** Output tokens spent on reasoning (a part of `outputTokens`). */
  reasoningTokens: number;
}

/** Builds a {@link Usage}; missing classes are 0 and `totalTokens` defaults to input + output. */
export function createUsage(parts: Partial<Usage> = {}): Usage {
  const inputTokens = parts.inputTokens ?? 0;
  const outputTokens = parts.outputTokens ?? 0;
  return {
    inputTokens,
    outputTokens,
    totalTokens: parts.totalTokens ?? inputTokens + outputTokens,
    cacheReadTokens: parts.cacheReadTokens ?? 0,
    cacheWriteTokens: parts.cacheWriteTokens ?? 0,
    reasoningTokens: parts.reasoningTokens ?? 0,
  };
}
