import type { CostReport, CostSummary, ReportGroupBy } from './cost-report.js';
import { USD_UNITS_PER_DOLLAR } from './round-usd.js';
import type { UsageRecord } from './usage-record.js';

/** Adds records up; costs are summed in whole 1e-10 USD units, so totals are exact. */
class SummaryBuilder {
  /** This summary's number within its breakdown. */
  readonly group: number;
  requests = 0;
  attempts = 0;
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheWriteTokens = 0;
  reasoningTokens = 0;
  costUnits = 0;
  unpriced = 0;

  constructor(group = 0) {
    this.group = group;
  }

  /** Adds one record; `newRequest` when it is the first of its request in this summary. */
  add(record: UsageRecord, newRequest: boolean): void {
    if (newRequest) this.requests += 1;
    this.attempts += 1;
    this.inputTokens += record.input_tokens;
    this.outputTokens += record.output_tokens;
    this.cacheReadTokens += record.cache_read_tokens;
    this.cacheWriteTokens += record.cache_write_tokens;
    this.reasoningTokens += record.reasoning_tokens;
    if (record.cost_usd === null) this.unpriced += 1;
    else this.costUnits += Math.round(record.cost_usd * USD_UNITS_PER_DOLLAR);
  }

  build(): CostSummary {
    return {
      requests: this.requests,
      attempts: this.attempts,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cacheReadTokens: this.cacheReadTokens,
      cacheWriteTokens: this.cacheWriteTokens,
      reasoningTokens: this.reasoningTokens,
      costUsd: this.costUnits / USD_UNITS_PER_DOLLAR,
      unpriced: this.unpriced,
    };
  }
}

/**
 * One breakdown (by provider, model, or `groupBy`): a summary per key, in the order keys are
 * first seen, and which requests each summary has counted. A request usually has its records
 * in one group, so each request keeps a short linked list (in typed arrays: no object per
 * record) of the groups that counted it; a request that goes a -> b -> a is counted once per
 * group.
 */
class Breakdown {
  readonly #builders = new Map<string, SummaryBuilder>();
  #lastKey: string | undefined;
  #lastBuilder: SummaryBuilder | undefined;
  readonly #firstLink: Int32Array;
  readonly #linkGroup: Int32Array;
  readonly #nextLink: Int32Array;
  #links = 0;

  constructor(requestCount: number, recordCount: number) {
    this.#firstLink = new Int32Array(requestCount).fill(-1);
    this.#linkGroup = new Int32Array(recordCount);
    this.#nextLink = new Int32Array(recordCount);
  }

  add(key: string, record: UsageRecord, requestNumber: number): void {
    let builder = key === this.#lastKey ? this.#lastBuilder : this.#builders.get(key);
    if (builder === undefined) {
      builder = new SummaryBuilder(this.#builders.size);
      this.#builders.set(key, builder);
    }
    this.#lastKey = key;
    this.#lastBuilder = builder;
    builder.add(record, this.#countRequest(builder.group, requestNumber));
  }

  build(): Record<string, CostSummary> {
    const result: Record<string, CostSummary> = {};
    for (const [key, builder] of this.#builders) {
      // defineProperty, so a group named `__proto__` (metadata is user input) is an ordinary key.
      Object.defineProperty(result, key, { value: builder.build(), enumerable: true, writable: true, configurable: true });
    }
    return result;
  }

  /** True the first time this request reaches this group. */
  #countRequest(group: number, requestNumber: number): boolean {
    for (let link = this.#firstLink[requestNumber] as number; link !== -1; link = this.#nextLink[link] as number) {
      if (this.#linkGroup[link] === group) return false;
    }
    const link = this.#links;
    this.#links += 1;
    this.#linkGroup[link] = group;
    this.#nextLink[link] = this.#firstLink[requestNumber] as number;
    this.#firstLink[requestNumber] = link;
    return true;
  }
}

/**
 * Each record's request as a number below `requestCount`: records of one request, and only
 * they, share a number. The tracker keeps one per record (its request slot), sparing the report
 * a pass that hashes every request id.
 */
export interface RequestNumbers {
  requestOf: Int32Array;
  requestCount: number;
}

/**
 * Summarises records in one pass over them: totals, by provider, by model, and by `groupBy`
 * when given. Breakdowns list keys in first-seen order. `requests` numbers the records'
 * requests when the caller knows them; otherwise a first pass numbers them.
 */
export function buildCostReport(records: readonly UsageRecord[], groupBy?: ReportGroupBy, requests?: RequestNumbers): CostReport {
  const groupKey = groupBy === undefined ? undefined : groupKeyReader(groupBy);
  const { requestOf, requestCount } = requests ?? numberRequests(records);
  const totals = new SummaryBuilder();
  const counted = new Uint8Array(requestCount);
  const byProvider = new Breakdown(requestCount, records.length);
  const byModel = new Breakdown(requestCount, records.length);
  const groups = groupKey ? new Breakdown(requestCount, records.length) : undefined;
  for (let index = 0; index < records.length; index += 1) {
    const record = records[index] as UsageRecord;
    const requestNumber = requestOf[index] as number;
    totals.add(record, counted[requestNumber] === 0);
    counted[requestNumber] = 1;
    byProvider.add(record.provider, record, requestNumber);
    byModel.add(record.model, record, requestNumber);
    if (groups && groupKey) groups.add(groupKey(record), record, requestNumber);
  }
  return {
    totals: totals.build(),
    byProvider: byProvider.build(),
    byModel: byModel.build(),
    ...(groups ? { groups: groups.build() } : {}),
  };
}

/** Totals over records, with no breakdown. */
export function summarizeRecords(records: Iterable<UsageRecord>): CostSummary {
  return buildCostReport(Array.isArray(records) ? records : [...records]).totals;
}

/** Numbers each record's request 0, 1, 2... in first-seen order. */
function numberRequests(records: readonly UsageRecord[]): RequestNumbers {
  const numbers = new Map<string, number>();
  const requestOf = new Int32Array(records.length);
  let lastId: string | undefined;
  let lastNumber = -1;
  for (let index = 0; index < records.length; index += 1) {
    const requestId = (records[index] as UsageRecord).request_id;
    if (requestId !== lastId) {
      let requestNumber = numbers.get(requestId);
      if (requestNumber === undefined) {
        requestNumber = numbers.size;
        numbers.set(requestId, requestNumber);
      }
      lastId = requestId;
      lastNumber = requestNumber;
    }
    requestOf[index] = lastNumber;
  }
  return { requestOf, requestCount: numbers.size };
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
      return dayReader();
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

/**
 * Reads a record's UTC day. A timestamp in the form we write that starts like the previous
 * one's day gets that day without a new string: ledgers come in time order, so most do.
 */
function dayReader(): (record: UsageRecord) => string {
  let lastDay = '';
  return (record) => {
    const { timestamp } = record;
    if (!utcIsoTimestamp.test(timestamp)) {
      const time = Date.parse(timestamp);
      return Number.isNaN(time) ? '' : new Date(time).toISOString().slice(0, 10);
    }
    if (!timestamp.startsWith(lastDay) || lastDay === '') lastDay = timestamp.slice(0, 10);
    return lastDay;
  };
}
