import { toStringRecord } from './to-string-record.js';
import type { UsageRecordInput } from './usage-record-input.js';
import type { UsageRecord } from './usage-record.js';

/**
 * Builds the ledger record of one attempt: snake_case columns in ledger order, an ISO UTC
 * timestamp (now when absent or invalid), token counts that are not finite non-negative numbers
 * as 0, metadata copied, and `price_source` emptied when the cost is unknown.
 */
export function buildUsageRecord(input: UsageRecordInput, sessionId: string, costUsd: number | null): UsageRecord {
  const { usage } = input;
  const timestamp = input.timestamp && !Number.isNaN(input.timestamp.getTime()) ? input.timestamp : new Date();
  return {
    timestamp: timestamp.toISOString(),
    session_id: sessionId,
    request_id: input.requestId,
    attempt: input.attempt,
    provider: input.provider,
    model: input.model,
    status: input.status,
    input_tokens: toCount(usage.inputTokens),
    output_tokens: toCount(usage.outputTokens),
    total_tokens: toCount(usage.totalTokens),
    cache_read_tokens: toCount(usage.cacheReadTokens),
    cache_write_tokens: toCount(usage.cacheWriteTokens),
    reasoning_tokens: toCount(usage.reasoningTokens),
    cost_usd: costUsd,
    latency_ms: toCount(input.latencyMs),
    error_kind: input.errorKind ?? null,
    metadata: toStringRecord(input.metadata ?? {}),
    usage_source: input.usageSource,
    price_source: costUsd === null ? '' : input.priceSource,
  };
}

function toCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
