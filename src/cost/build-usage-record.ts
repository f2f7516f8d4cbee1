import { toStringRecord } from './to-string-record.js';
import type { UsageRecordInput } from './usage-record-input.js';
import type { UsageRecord } from './usage-record.js';

/** The metadata of every record whose call had none: one frozen object, not one per record. */
const noMetadata: Record<string, string> = Object.freeze({});

/**
 * Builds the ledger record of one attempt: snake_case columns in ledger order, an ISO UTC
 * timestamp (now when absent or invalid), token counts that are not finite non-negative numbers
 * as 0, metadata copied, and `price_source` emptied when the cost is unknown.
 */
export function buildUsageRecord(input: UsageRecordInput, sessionId: string, costUsd: number | null): UsageRecord {
  const { usage, metadata } = input;
  const given = input.timestamp;
  return {
    timestamp: given && !Number.isNaN(given.getTime()) ? given.toISOString() : nowIso(),
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
    metadata: metadata === undefined || metadata === null ? noMetadata : toStringRecord(metadata),
    usage_source: input.usageSource,
    price_source: costUsd === null ? '' : input.priceSource,
  };
}

let cachedSecond = Number.NaN;
/** `YYYY-MM-DDTHH:MM:SS.` of {@link cachedSecond}. */
let cachedPrefix = '';

/**
 * `new Date().toISOString()` for now, with the part up to the seconds formatted once per second
 * (formatting a date costs microseconds; records come many per second).
 */
function nowIso(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    // Up to and with the `.`, whatever the year's length (`+010000-...` after 9999).
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, -4);
  }
  const millis = now - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

function toCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
