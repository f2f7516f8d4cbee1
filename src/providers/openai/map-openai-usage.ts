import { createUsage, type Usage } from '../../spec/usage.js';

/** The `usage` object of a Chat Completions response or of the last stream chunk. */
export interface OpenAIUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/**
 * Maps OpenAI usage to {@link Usage}. OpenAI's `prompt_tokens` already includes the cached
 * tokens and `completion_tokens` the reasoning tokens, so both are taken as they are.
 * Returns `undefined` when the provider reported no usage.
 */
export function mapOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage | undefined {
  if (!usage) return undefined;
  const inputTokens = usage.prompt_tokens ?? 0;
  const outputTokens = usage.completion_tokens ?? 0;
  return createUsage({
    inputTokens,
    outputTokens,
    totalTokens: usage.total_tokens ?? inputTokens + outputTokens,
    cacheReadTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  });
}
