import { createUsage, type Usage } from '../../spec/usage.js';
import type { GeminiUsageMetadata } from './gemini-wire-types.js';

/**
 * Maps Gemini / Vertex `usageMetadata` to {@link Usage}:
 * - `inputTokens` = `promptTokenCount` + `toolUsePromptTokenCount` (both billed as input;
 *   `promptTokenCount` already includes cached content),
 * - `outputTokens` = `candidatesTokenCount` + `thoughtsTokenCount` (thoughts are billed as
 *   output, and `candidatesTokenCount` leaves them out),
 * - `reasoningTokens` = `thoughtsTokenCount`, `cacheReadTokens` = `cachedContentTokenCount`,
 * - `totalTokens` = `totalTokenCount` when reported, else input + output.
 *
 * Returns `undefined` when there is no usage metadata at all (the caller then estimates).
 */
export function mapGeminiUsage(metadata: GeminiUsageMetadata | null | undefined): Usage | undefined {
  if (metadata === null || metadata === undefined) return undefined;
  const thoughts = metadata.thoughtsTokenCount ?? 0;
  const inputTokens = (metadata.promptTokenCount ?? 0) + (metadata.toolUsePromptTokenCount ?? 0);
  const outputTokens = (metadata.candidatesTokenCount ?? 0) + thoughts;
  return createUsage({
    inputTokens,
    outputTokens,
    totalTokens: metadata.totalTokenCount ?? inputTokens + outputTokens,
    cacheReadTokens: metadata.cachedContentTokenCount ?? 0,
    reasoningTokens: thoughts,
  });
}
