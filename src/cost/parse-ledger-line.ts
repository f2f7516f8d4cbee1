import type { ErrorKind } from '../errors/error-kind.js';
import type { AttemptStatus } from '../spec/chat-response.js';
import { toStringRecord } from './to-string-record.js';
import { LEDGER_COLUMNS, type UsageRecord } from './usage-record.js';

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
  // A line this library wrote is already a complete record: keep the parsed object instead of
  // copying it (half the allocations of loading a ledger).
  if (isLedgerRecord(value)) return { record: value };
  const fields = value as Record<string, unknown>;
  for (const column of requiredText) {
    if (typeof fields[column] !== 'string') return { problem: `'${column}' is missing or not a string` };
  }
  if (!isDate(fields.timestamp as string)) return { problem: "'timestamp' is not a date" };
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
      metadata: stringValuesOnly(metadata) ? (metadata as Record<string, string>) : toStringRecord(metadata as Record<string, unknown>),
      usage_source: fields.usage_source === 'estimated' ? 'estimated' : 'provider',
      price_source: typeof fields.price_source === 'string' ? fields.price_source : '',
    },
  };
}

/**
 * True when the object has exactly the ledger columns, in ledger order, each of its type: what
 * `toJsonLine` writes. Anything else (an older ledger, another writer) takes the copying path
 * when read, and is not put in a ledger index when written.
 */
export function isLedgerRecord(value: object): value is UsageRecord {
  let column = 0;
  for (const key in value) {
    if (key !== LEDGER_COLUMNS[column]) return false;
    column += 1;
  }
  if (column !== LEDGER_COLUMNS.length) return false;
  const record = value as Record<string, unknown>;
  for (const name of requiredText) if (typeof record[name] !== 'string') return false;
  for (const name of counts) if (!isCount(record[name])) return false;
  const cost = record.cost_usd;
  const metadata = record.metadata;
  return (
    isCount(record.attempt) &&
    isCount(record.latency_ms) &&
    (cost === null || (typeof cost === 'number' && Number.isFinite(cost))) &&
    (record.error_kind === null || typeof record.error_kind === 'string') &&
    (record.usage_source === 'provider' || record.usage_source === 'estimated') &&
    typeof record.price_source === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    !Array.isArray(metadata) &&
    stringValuesOnly(metadata) &&
    isDate(record.timestamp as string)
  );
}

/**
 * True when every value is a string: the object `JSON.parse` made can then be kept as it is
 * (its keys are own data properties, `__proto__` included), saving a copy per line.
 */
function stringValuesOnly(values: object): boolean {
  for (const key in values) {
    if (typeof (values as Record<string, unknown>)[key] !== 'string') return false;
  }
  return true;
}

/** The UTC form `toISOString()` writes; checked first, as it is several times faster than `Date.parse`. */
const isoUtcTimestamp = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?Z$/;

function isDate(text: string): boolean {
  return isoUtcTimestamp.test(text) || !Number.isNaN(Date.parse(text));
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
