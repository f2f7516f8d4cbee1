import type { RecordFilter } from './record-filter.js';

/** Totals over a set of records. */
export interface CostSummary {
  /** Distinct `request_id`s (calls). */
  requests: number;
  /** Records (attempts that reached a provider). */
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** USD of the priced records; unpriced ones add nothing (see `unpriced`). */
  costUsd: number;
  /** Records with no price (`cost_usd` null). */
  unpriced: number;
}

/**
 * What a report can be broken down by: provider entry, model, session, UTC day (`YYYY-MM-DD`),
 * or a metadata key (`metadata.team`; records without the key fall in the `''` group).
 */
export type ReportGroupBy = 'provider' | 'model' | 'session' | 'day' | `metadata.${string}`;

/** Options of `CostTracker.report`: a {@link RecordFilter} plus an optional breakdown. */
export interface ReportOptions extends RecordFilter {
  groupBy?: ReportGroupBy;
}

/** The result of `CostTracker.report`. */
export interface CostReport {
  totals: CostSummary;
  /** By provider entry name. */
  byProvider: Record<string, CostSummary>;
  /** By model id (the same id under two providers is one group). */
  byModel: Record<string, CostSummary>;
  /** By `groupBy`; present only when `groupBy` was given. */
  groups?: Record<string, CostSummary>;
}
