import type { ErrorKind } from '../errors/error-kind.js';
import type { AttemptStatus } from '../spec/chat-response.js';

/**
 * The ledger columns, in the order of the JSONL keys and of the CSV header.
 * New columns only ever go at the end, so older ledgers stay readable.
 */
export const LEDGER_COLUMNS = [
  'timestamp',
  'session_id',
  'request_id',
  'attempt',
  'provider',
  'model',
  'status',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
  'latency_ms',
  'error_kind',
  'metadata',
  'usage_source',
  'price_source',
] as const;

/** One ledger column name. */
export type LedgerColumn = (typeof LEDGER_COLUMNS)[number];

/** Where a record's token counts come from: the provider's report, or our own estimate. */
export type UsageSource = 'provider' | 'estimated';

/**
 * One attempt that reached a provider, as the ledger stores it. Its keys are exactly
 * {@link LEDGER_COLUMNS}; a JSONL line is this object.
 */
export interface UsageRecord {
  /** When the attempt ended, ISO 8601 in UTC (`2026-11-23T10:41:03.123Z`). */
  timestamp: string;
  session_id: string;
  /** Shared by every attempt of one call. */
  request_id: string;
  /** Counts from 1 across the whole call (all models). */
  attempt: number;
  /** The provider entry name (the key under `providers`), not its type. */
  provider: string;
  model: string;
  status: AttemptStatus;
  /** All input, cached parts included. */
  input_tokens: number;
  /** All output, reasoning included. */
  output_tokens: number;
  total_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** USD; `null` when the model has no price (neither an override nor the catalogue). */
  cost_usd: number | null;
  latency_ms: number;
  /**
   * The `ProviderError.kind` of a failed attempt, else `null`. Typed as {@link ErrorKind}; a
   * ledger loaded with `CostTracker.fromJsonl` keeps whatever string the file holds, so a ledger
   * written by a newer version may carry a kind this version does not list.
   */
  error_kind: ErrorKind | null;
  /** The caller's request metadata, string values only. */
  metadata: Record<string, string>;
  usage_source: UsageSource;
  /** `catalogue@<version>`, `override`, or `''` when unpriced. */
  price_source: string;
}
