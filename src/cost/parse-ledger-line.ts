import type { ErrorKind } from '../errors/error-kind.js';
import type { AttemptStatus } from '../spec/chat-response.js';
import { toStringRecord } from './to-string-record.js';
import type { UsageRecord } from './usage-record.js';

/** A parsed ledger line, or why it cannot be read. */
export type ParsedLedgerLine = { record: UsageRecord } | { problem: string };

const requiredText = ['timestamp', 'session_id', 'request_id', 'provider', 'model', 'status'] as const;
const counts = ['input_tokens', 'output_tokens', 'total_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens'] as const;

/**
 * Reads one JSONL ledger line back into a {@link UsageRecord}. The identifying columns
 * (timestamp, session, request, attempt, provider, model, status) are required; a column
 * missing from an older ledger gets its neutral value (0 tokens, `null` cost, `{}` metadata,
 * `provider` usage source, `''` price source). Enum values are kept as written, so a ledger
 * from a newer version still loads.
 */
export function parseLedgerLine(line: string): ParsedLedgerLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'not valid JSON (a torn or partial line?)' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not a JSON object' };
  const fields = value as Record<string, unknown>;
  for (const column of requiredText) {
    if (typeof fields[column] !== 'string') return { problem: `'${column}' is missing or not a string` };
  }
  if (Number.isNaN(Date.parse(fields.timestamp as string))) return { problem: "'timestamp' is not a date" };
  if (!isCount(fields.attempt)) return { problem: "'attempt' is missing or not a number" };
  for (const column of counts) {
    if (fields[column] !== undefined && !isCount(fields[column])) return { problem: `'${column}' is not a number` };
  }
  const cost = fields.cost_usd ?? null;
  if (cost !== null && !(typeof cost === 'number' && Number.isFinite(cost))) return { problem: "'cost_usd' is not a number" };
  const metadata = fields.metadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return { problem: "'metadata' is not an object" };
  const inputTokens = (fields.input_tokens as number | undefined) ?? 0;
  const outputTokens = (fields.output_tokens as number | undefined) ?? 0;
  return {
    record: {
      timestamp: fields.timestamp as string,
      session_id: fields.session_id as string,
      request_id: fields.request_id as string,
      attempt: fields.attempt as number,
      provider: fields.provider as string,
      model: fields.model as string,
      status: fields.status as AttemptStatus,
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      total_tokens: (fields.total_tokens as number | undefined) ?? inputTokens + outputTokens,
      cache_read_tokens: (fields.cache_read_tokens as number | undefined) ?? 0,
      cache_write_tokens: (fields.cache_write_tokens as number | undefined) ?? 0,
      reasoning_tokens: (fields.reasoning_tokens as number | undefined) ?? 0,
      cost_usd: cost,
      latency_ms: isCount(fields.latency_ms) ? fields.latency_ms : 0,
      error_kind: typeof fields.error_kind === 'string' ? (fields.error_kind as ErrorKind) : null,
      metadata: toStringRecord(metadata as Record<string, unknown>),
      usage_source: fields.usage_source === 'estimated' ? 'estimated' : 'provider',
      price_source: typeof fields.price_source === 'string' ? fields.price_source : '',
    },
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
