import type { CostReport, CostSummary, ReportGroupBy } from './cost-report.js';
import type { LedgerColumns } from './ledger-columns.js';
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
    this.addCounts(newRequest, record.input_tokens, record.output_tokens, record.cache_read_tokens, record.cache_write_tokens, record.reasoning_tokens, record.cost_usd ?? Number.NaN);
  }

  /** Adds one record given by its counts; `cost` is `NaN` when unpriced. */
  addCounts(newRequest: boolean, input: number, output: number, cacheRead: number, cacheWrite: number, reasoning: number, cost: number): void {
    if (newRequest) this.requests += 1;
    this.attempts += 1;
    this.inputTokens += input;
    this.outputTokens += output;
    this.cacheReadTokens += cacheRead;
    this.cacheWriteTokens += cacheWrite;
    this.reasoningTokens += reasoning;
    if (Number.isNaN(cost)) this.unpriced += 1;
    else this.costUnits += Math.round(cost * USD_UNITS_PER_DOLLAR);
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
    this.addTo(this.builderFor(key), record, requestNumber);
  }

  /** {@link add} to the summary `builderFor(key)` gave. */
  addTo(builder: SummaryBuilder, record: UsageRecord, requestNumber: number): void {
    builder.add(record, this.#countRequest(builder.group, requestNumber));
  }

  /** {@link add} for a record given by its counts; `cost` is `NaN` when unpriced. */
  addCounts(key: string, requestNumber: number, input: number, output: number, cacheRead: number, cacheWrite: number, reasoning: number, cost: number): void {
    this.addCountsTo(this.builderFor(key), requestNumber, input, output, cacheRead, cacheWrite, reasoning, cost);
  }

  /** {@link addCounts} to the summary `builderFor(key)` gave. */
  addCountsTo(builder: SummaryBuilder, requestNumber: number, input: number, output: number, cacheRead: number, cacheWrite: number, reasoning: number, cost: number): void {
    builder.addCounts(this.#countRequest(builder.group, requestNumber), input, output, cacheRead, cacheWrite, reasoning, cost);
  }

  build(): Record<string, CostSummary> {
    const result: Record<string, CostSummary> = {};
    for (const [key, builder] of this.#builders) {
      // defineProperty, so a group named `__proto__` (metadata is user input) is an ordinary key.
      Object.defineProperty(result, key, { value: builder.build(), enumerable: true, writable: true, configurable: true });
    }
    return result;
  }

  /** The summary of a key, made (last in order) the first time the key comes. */
  builderFor(key: string): SummaryBuilder {
    let builder = key === this.#lastKey ? this.#lastBuilder : this.#builders.get(key);
    if (builder === undefined) {
      builder = new SummaryBuilder(this.#builders.size);
      this.#builders.set(key, builder);
    }
    this.#lastKey = key;
    this.#lastBuilder = builder;
    return builder;
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
 * Builds one report from runs of records, added in order: record objects, or columns as a
 * ledger index holds them (same sums, no object per record). Each record comes with its
 * request's number, below `requestCount`.
 */
export class CostReportBuilder {
  readonly #groupBy: ReportGroupBy | undefined;
  readonly #groupKey: ((record: UsageRecord) => string) | undefined;
  /** With `groupBy: 'day'`, the summary of a timestamp's day. */
  readonly #daySummary: ((timestamp: string) => SummaryBuilder) | undefined;
  readonly #totals = new SummaryBuilder();
  readonly #counted: Uint8Array;
  readonly #byProvider: Breakdown;
  readonly #byModel: Breakdown;
  readonly #groups: Breakdown | undefined;

  /**
   * @param recordCount how many records will be added, at most.
   * @throws RangeError for an unknown `groupBy`.
   */
  constructor(groupBy: ReportGroupBy | undefined, requestCount: number, recordCount: number) {
    this.#groupBy = groupBy;
    this.#groupKey = groupBy === undefined || groupBy === 'day' ? undefined : groupKeyReader(groupBy);
    this.#counted = new Uint8Array(requestCount);
    this.#byProvider = new Breakdown(requestCount, recordCount);
    this.#byModel = new Breakdown(requestCount, recordCount);
    this.#groups = groupBy === undefined ? undefined : new Breakdown(requestCount, recordCount);
    this.#daySummary = groupBy === 'day' && this.#groups ? daySummaryReader(this.#groups) : undefined;
  }

  /** Adds records; `requestOf[index]` is the request number of `records[index]`. */
  addRecords(records: readonly UsageRecord[], requestOf: Int32Array): void {
    const groupKey = this.#groupKey;
    const daySummary = this.#daySummary;
    const groups = this.#groups;
    for (let index = 0; index < records.length; index += 1) {
      const record = records[index] as UsageRecord;
      const requestNumber = requestOf[index] as number;
      this.#totals.add(record, this.#counted[requestNumber] === 0);
      this.#counted[requestNumber] = 1;
      this.#byProvider.add(record.provider, record, requestNumber);
      this.#byModel.add(record.model, record, requestNumber);
      if (daySummary && groups) groups.addTo(daySummary(record.timestamp), record, requestNumber);
      else if (groups && groupKey) groups.add(groupKey(record), record, requestNumber);
    }
  }

  /** Adds a run of records in columns; `requestOf[index]` is the request number of record `index`. */
  addColumns(columns: LedgerColumns, requestOf: Int32Array): void {
    const { strings } = columns;
    const providers = columns.textColumn('provider');
    const models = columns.textColumn('model');
    const input = columns.numberColumn('input_tokens');
    const output = columns.numberColumn('output_tokens');
    const cacheRead = columns.numberColumn('cache_read_tokens');
    const cacheWrite = columns.numberColumn('cache_write_tokens');
    const reasoning = columns.numberColumn('reasoning_tokens');
    const cost = columns.numberColumn('cost_usd');
    const groups = this.#groups;
    let groupOf: ((index: number) => SummaryBuilder) | undefined;
    if (groups && this.#daySummary) {
      const daySummary = this.#daySummary;
      const timestamps = columns.timestamps();
      groupOf = (index) => daySummary(timestamps[index] as string);
    } else if (groups && this.#groupBy !== undefined && this.#groupBy !== 'day') groupOf = columnGroupReader(this.#groupBy, columns, groups);
    // The summary of each provider and model, by its index in the run's strings.
    const providerSummaries: (SummaryBuilder | undefined)[] = [];
    const modelSummaries: (SummaryBuilder | undefined)[] = [];
    for (let index = 0; index < columns.count; index += 1) {
      const requestNumber = requestOf[index] as number;
      const inputTokens = input[index] as number;
      const outputTokens = output[index] as number;
      const cacheReadTokens = cacheRead[index] as number;
      const cacheWriteTokens = cacheWrite[index] as number;
      const reasoningTokens = reasoning[index] as number;
      const costUsd = cost[index] as number;
      this.#totals.addCounts(this.#counted[requestNumber] === 0, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, costUsd);
      this.#counted[requestNumber] = 1;
      const provider = providers[index] as number;
      const model = models[index] as number;
      const providerSummary = (providerSummaries[provider] ??= this.#byProvider.builderFor(strings[provider] as string));
      const modelSummary = (modelSummaries[model] ??= this.#byModel.builderFor(strings[model] as string));
      this.#byProvider.addCountsTo(providerSummary, requestNumber, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, costUsd);
      this.#byModel.addCountsTo(modelSummary, requestNumber, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, costUsd);
      if (groups && groupOf) groups.addCountsTo(groupOf(index), requestNumber, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, costUsd);
    }
  }

  /** The report of every record added so far. */
  build(): CostReport {
    return {
      totals: this.#totals.build(),
      byProvider: this.#byProvider.build(),
      byModel: this.#byModel.build(),
      ...(this.#groups ? { groups: this.#groups.build() } : {}),
    };
  }
}

/**
 * Summarises records in one pass over them: totals, by provider, by model, and by `groupBy`
 * when given. Breakdowns list keys in first-seen order. `requests` numbers the records'
 * requests when the caller knows them; otherwise a first pass numbers them.
 */
export function buildCostReport(records: readonly UsageRecord[], groupBy?: ReportGroupBy, requests?: RequestNumbers): CostReport {
  const { requestOf, requestCount } = requests ?? numberRequests(records);
  const builder = new CostReportBuilder(groupBy, requestCount, records.length);
  builder.addRecords(records, requestOf);
  return builder.build();
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

function groupKeyReader(groupBy: Exclude<ReportGroupBy, 'day'>): (record: UsageRecord) => string {
  switch (groupBy) {
    case 'provider':
      return (record) => record.provider;
    case 'model':
      return (record) => record.model;
    case 'session':
      return (record) => record.session_id;
    default: {
      const key = metadataKey(groupBy);
      return (record) => (Object.hasOwn(record.metadata, key) ? (record.metadata[key] ?? '') : '');
    }
  }
}

/**
 * {@link groupKeyReader} for records in columns: the summary of record `index`'s group in
 * `groups`, looked up once per distinct text of the run rather than per record (days go
 * through {@link daySummaryReader}).
 */
function columnGroupReader(groupBy: Exclude<ReportGroupBy, 'day'>, columns: LedgerColumns, groups: Breakdown): (index: number) => SummaryBuilder {
  const { strings } = columns;
  const byText = (values: Int32Array, keyOf: (text: number) => string): ((index: number) => SummaryBuilder) => {
    const summaries: (SummaryBuilder | undefined)[] = [];
    return (index) => {
      const text = values[index] as number;
      return (summaries[text] ??= groups.builderFor(keyOf(text)));
    };
  };
  switch (groupBy) {
    case 'provider':
      return byText(columns.textColumn('provider'), (text) => strings[text] as string);
    case 'model':
      return byText(columns.textColumn('model'), (text) => strings[text] as string);
    case 'session':
      return byText(columns.textColumn('session_id'), (text) => strings[text] as string);
    default: {
      const key = metadataKey(groupBy);
      return byText(columns.textColumn('metadata'), (text) => {
        const metadata = columns.metadata(text);
        return Object.hasOwn(metadata, key) ? (metadata[key] ?? '') : '';
      });
    }
  }
}

/** `YYYY-MM-DD...` as the number YYYYMMDD (digits checked by the caller). */
function dayDigits(timestamp: string): number {
  let code = 0;
  for (const position of DAY_DIGIT_POSITIONS) code = code * 10 + timestamp.charCodeAt(position) - 48;
  return code;
}

const DAY_DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9] as const;

/** The key of a `metadata.<key>` breakdown. @throws RangeError for any other unknown `groupBy`. */
function metadataKey(groupBy: string): string {
  if (!groupBy.startsWith('metadata.') || groupBy.length === 'metadata.'.length) {
    throw new RangeError(`Unknown report groupBy '${groupBy}': use provider, model, session, day or metadata.<key>`);
  }
  return groupBy.slice('metadata.'.length);
}

/** Matches the timestamps we write (`toISOString()`): their first 10 characters are the UTC day. */
const utcIsoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** A timestamp's UTC day, `YYYY-MM-DD` (`''` when it is no date). */
function dayOf(timestamp: string): string {
  if (utcIsoTimestamp.test(timestamp)) return timestamp.slice(0, 10);
  const time = Date.parse(timestamp);
  return Number.isNaN(time) ? '' : new Date(time).toISOString().slice(0, 10);
}

/**
 * The summary of a timestamp's UTC day in `groups`. A timestamp in the form we write is
 * looked up by its day's digits as a number: no day string is made or hashed per record.
 */
function daySummaryReader(groups: Breakdown): (timestamp: string) => SummaryBuilder {
  const summaries = new Map<number, SummaryBuilder>();
  return (timestamp) => {
    if (!utcIsoTimestamp.test(timestamp)) return groups.builderFor(dayOf(timestamp));
    const code = dayDigits(timestamp);
    let summary = summaries.get(code);
    if (summary === undefined) {
      summary = groups.builderFor(timestamp.slice(0, 10));
      summaries.set(code, summary);
    }
    return summary;
  };
}
