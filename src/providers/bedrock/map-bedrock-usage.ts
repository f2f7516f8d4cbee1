import type { TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import { createUsage, type Usage } from '../../spec/usage.js';

/**
 * Maps Bedrock's `TokenUsage` to {@link Usage}. Bedrock's `inputTokens` excludes prompt-cache
 * reads and writes, which it reports apart (as Anthropic does): they are added back so
 * `inputTokens` is all input. Sources: AWS Bedrock user guide "Prompt caching" (tokens neither
 * read from nor written to the cache are billed at the standard input rate, cache reads and
 * writes at their own rates) and the Vercel AI SDK's `convert-bedrock-usage.ts`
 * (`total = inputTokens + cacheReadInputTokens + cacheWriteInputTokens`).
 * `totalTokens` is recomputed from those sums so it stays consistent with `inputTokens`.
 */
export function mapBedrockUsage(usage: TokenUsage | undefined): Usage | undefined {
  if (usage === undefined) return undefined;
  const cacheReadTokens = usage.cacheReadInputTokens ?? 0;
  const cacheWriteTokens = usage.cacheWriteInputTokens ?? 0;
  const inputTokens = (usage.inputTokens ?? 0) + cacheReadTokens + cacheWriteTokens;
  const outputTokens = usage.outputTokens ?? 0;
  return createUsage({ inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens });
}
