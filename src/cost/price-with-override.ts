import type { ModelPriceOverride } from '../config/normalized-config.js';
import type { Usage } from '../spec/usage.js';

/** Cache rates to fall back on when an override leaves them out (the catalogue's, per 1M). */
export interface FallbackCacheRates {
  cacheReadMtok?: number;
  cacheWriteMtok?: number;
}

/**
 * USD for one attempt under a `cost_tracking.pricing` override (prices per 1M tokens). Cached
 * input is a part of `inputTokens`, so only the rest pays the full input rate. A cache rate the
 * override leaves out is the catalogue's for that model when it has one, else the input rate.
 * The result is not rounded.
 */
export function priceWithOverride(override: ModelPriceOverride, usage: Usage, fallback: FallbackCacheRates = {}): number {
  const uncachedInput = Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
  const cacheReadRate = override.cache_read ?? fallback.cacheReadMtok ?? override.input;
  const cacheWriteRate = override.cache_write ?? fallback.cacheWriteMtok ?? override.input;
  return (
    (uncachedInput * override.input +
      usage.cacheReadTokens * cacheReadRate +
      usage.cacheWriteTokens * cacheWriteRate +
      usage.outputTokens * override.output) /
    1e6
  );
}
