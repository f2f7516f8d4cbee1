import { createUsage, type Usage } from '../../spec/usage.js';

/** Anthropic's `usage` object (a message's, or a `message_start` / `message_delta` event's). */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/**
 * Maps Anthropic usage to {@link Usage}. Anthropic's `input_tokens` leaves out cache reads
 * and writes, so `inputTokens` = `input_tokens` + `cache_read_input_tokens` +
 * `cache_creation_input_tokens`, with `cacheReadTokens` / `cacheWriteTokens` filled.
 */
export function mapAnthropicUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return createUsage({
    inputTokens: (usage.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: usage.output_tokens ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
  });
}

/**
 * Folds a streamed usage update into the usage so far: each field present (not null) in
 * `update` replaces the earlier value (`message_delta` may carry a different `input_tokens`
 * than `message_start`; the last value wins).
 */
export function mergeAnthropicUsage(current: AnthropicUsage, update: AnthropicUsage | null | undefined): AnthropicUsage {
  const merged = { ...current };
  for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const) {
    const value = update?.[key];
    if (typeof value === 'number') merged[key] = value;
  }
  return merged;
}
