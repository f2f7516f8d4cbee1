import type { UsageRecord } from './usage-record.js';

/**
 * Where a {@link CostTracker} sends each record as it is made. `write` is called without
 * being awaited, in record order; a sink that throws or rejects is reported as a warning and
 * never reaches the request that caused the record.
 */
export interface CostSink {
  write(record: UsageRecord): void | Promise<void>;
  /** Resolves once everything written so far is stored. */
  flush?(): Promise<void>;
  /** Flushes and releases what the sink holds. */
  close?(): Promise<void>;
}
