import type { CostReport, CostSummary, ReportGroupBy } from './cost-report.js';
import { USD_UNITS_PER_DOLLAR } from './round-usd.js';
import type { UsageRecord } from './usage-record.js';

/** Adds records up; costs are summed in whole 1e-10 USD units, so totals are exact. */
class SummaryBuilder {
  readonly #requests = new Set<string>();
  #attempts = 0;
  #inputTokens = 0;
  #outputTokens = 0;
  #cacheReadTokens = 0;
  #cacheWriteTokens = 0;
  #reasoningTokens = 0;
  #costUnits = 0;
  #unpriced = 0;

  add(record: UsageRecord): void {
    this.#requests.add(record.request_id);
    this.#attempts += 1;
    this.#inputTokens += record.input_tokens;
    this.#outputTokens += record.output_tokens;
    this.#cacheReadTokens += record.cache_read_tokens;
    this.#cacheWriteTokens += record.cache_write_tokens;
    this.#reasoningTokens += record.reasoning_tokens;
    if (record.cost_usd === null) this.#unpriced += 1;
    else this.#costUnits += Math.round(record.cost_usd * USD_UNITS_PER_DOLLAR);
  }

  build(): CostSummary {
    return {
      requests: this.#requests.size,
      attempts: this.#attempts,
      inputTokens: this.#inputTokens,
      outputTokens: this.#outputTokens,
      cacheReadTokens: this.#cacheReadTokens,
      cacheWriteTokens: this.#cacheWriteTokens,
      reasoningTokens: this.#reasoningTokens,
      costUsd: this.#costUnits / USD_UNITS_PER_DOLLAR,
      unpriced: this.#unpriced,
    };
  }
}

/** Summarises records: totals, by provider, by model, and by `groupBy` when given. */
export function buildCostReport(records: readonly UsageRecord[], groupBy?: ReportGroupBy): CostReport {
  const totals = new SummaryBuilder();
  const byProvider = new Map<string, SummaryBuilder>();
  const byModel = new Map<string, SummaryBuilder>();
  const groups = new Map<string, SummaryBuilder>();
  const groupKey = groupBy === undefined ? undefined : groupKeyReader(groupBy);
  for (const record of records) {
    totals.add(record);
    builderFor(byProvider, record.provider).add(record);
    builderFor(byModel, record.model).add(record);
    if (groupKey) builderFor(groups, groupKey(record)).add(record);
  }
  return {
    totals: totals.build(),
    byProvider: buildAll(byProvider),
    byModel: buildAll(byModel),
    ...(groupKey ? { groups: buildAll(groups) } : {}),
  };
}

/** Totals over records, with no breakdown. */
export function summarizeRecords(records: Iterable<UsageRecord>): CostSummary {
  const builder = new SummaryBuilder();
  for (const record of records) builder.add(record);
  return builder.build();
}

function groupKeyReader(groupBy: ReportGroupBy): (record: UsageRecord) => string {
  switch (groupBy) {
    case 'provider':
      return (record) => record.provider;
    case 'model':
      return (record) => record.model;
    case 'session':
      return (record) => record.session_id;
    case 'day':
      return (record) => utcDay(record.timestamp);
    default: {
      if (!groupBy.startsWith('metadata.') || groupBy.length === 'metadata.'.length) {
        throw new RangeError(`Unknown report groupBy '${String(groupBy)}': use provider, model, session, day or metadata.<key>`);
      }
      const key = groupBy.slice('metadata.'.length);
      return (record) => (Object.hasOwn(record.metadata, key) ? (record.metadata[key] ?? '') : '');
    }
  }
}

function utcDay(timestamp: string): string {
  const time = Date.parse(timestamp);
  return Number.isNaN(time) ? '' : new Date(time).toISOString().slice(0, 10);
}

function builderFor(builders: Map<string, SummaryBuilder>, key: string): SummaryBuilder {
  let builder = builders.get(key);
  if (!builder) {
    builder = new SummaryBuilder();
    builders.set(key, builder);
  }
  return builder;
}

function buildAll(builders: Map<string, SummaryBuilder>): Record<string, CostSummary> {
  const result: Record<string, CostSummary> = {};
  for (const [key, builder] of builders) {
    // defineProperty, so a group named `__proto__` (metadata is user input) is an ordinary key.
    Object.defineProperty(result, key, { value: builder.build(), enumerable: true, writable: true, configurable: true });
  }
  return result;
}
