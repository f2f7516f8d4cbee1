import type { CostReport, CostSummary, ReportGroupBy } from './cost-report.js';
import { USD_UNITS_PER_DOLLAR } from './round-usd.js';
import type { UsageRecord } from './usage-record.js';

/**
 * Adds records up; costs are summed in whole 1e-10 USD units, so totals are exact. Records must
 * come grouped by request (see {@link orderByRequest}): a request is then counted when its
 * number differs from the last one added, with no set of request ids to hash into.
 */
class SummaryBuilder {
  /** Position in the input of this group's first record: breakdowns keep first-seen order. */
  firstIndex = Number.POSITIVE_INFINITY;
  #lastRequest = -1;
  #requests = 0;
  #attempts = 0;
  #inputTokens = 0;
  #outputTokens = 0;
  #cacheReadTokens = 0;
  #cacheWriteTokens = 0;
  #reasoningTokens = 0;
  #costUnits = 0;
  #unpriced = 0;

  add(record: UsageRecord, requestNumber: number, index: number): void {
    if (requestNumber !== this.#lastRequest) {
      this.#lastRequest = requestNumber;
      this.#requests += 1;
    }
    if (index < this.firstIndex) this.firstIndex = index;
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
      requests: this.#requests,
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
  const { order, requestOf } = orderByRequest(records);
  for (const index of order) {
    const record = records[index] as UsageRecord;
    const requestNumber = requestOf[index] as number;
    totals.add(record, requestNumber, index);
    builderFor(byProvider, record.provider).add(record, requestNumber, index);
    builderFor(byModel, record.model).add(record, requestNumber, index);
    if (groupKey) builderFor(groups, groupKey(record)).add(record, requestNumber, index);
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
  return buildCostReport(Array.isArray(records) ? records : [...records]).totals;
}

/**
 * The records' positions grouped by request (requests in first-seen order, each request's
 * records in input order), and each position's request number. A counting sort over typed
 * arrays: linear, and cheap on a million records.
 */
function orderByRequest(records: readonly UsageRecord[]): { order: Int32Array; requestOf: Int32Array } {
  const numbers = new Map<string, number>();
  const requestOf = new Int32Array(records.length);
  for (let index = 0; index < records.length; index += 1) {
    const requestId = (records[index] as UsageRecord).request_id;
    let requestNumber = numbers.get(requestId);
    if (requestNumber === undefined) {
      requestNumber = numbers.size;
      numbers.set(requestId, requestNumber);
    }
    requestOf[index] = requestNumber;
  }
  const next = new Int32Array(numbers.size + 1);
  for (const requestNumber of requestOf) next[requestNumber + 1] = (next[requestNumber + 1] as number) + 1;
  for (let requestNumber = 1; requestNumber < next.length; requestNumber += 1) {
    next[requestNumber] = (next[requestNumber] as number) + (next[requestNumber - 1] as number);
  }
  const order = new Int32Array(records.length);
  for (let index = 0; index < records.length; index += 1) {
    const requestNumber = requestOf[index] as number;
    order[next[requestNumber] as number] = index;
    next[requestNumber] = (next[requestNumber] as number) + 1;
  }
  return { order, requestOf };
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

/** Matches the timestamps we write (`toISOString()`): their first 10 characters are the UTC day. */
const utcIsoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

function utcDay(timestamp: string): string {
  if (utcIsoTimestamp.test(timestamp)) return timestamp.slice(0, 10);
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
  const entries = [...builders].sort(([, left], [, right]) => left.firstIndex - right.firstIndex);
  for (const [key, builder] of entries) {
    // defineProperty, so a group named `__proto__` (metadata is user input) is an ordinary key.
    Object.defineProperty(result, key, { value: builder.build(), enumerable: true, writable: true, configurable: true });
  }
  return result;
}
