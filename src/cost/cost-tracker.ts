import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildCostReport, CostReportBuilder, summarizeRecords } from './build-cost-report.js';
import { buildUsageRecord } from './build-usage-record.js';
import type { CostReport, ReportOptions } from './cost-report.js';
import type { CostSink } from './cost-sink.js';
import type { CostWarning } from './cost-warning.js';
import { cancelFlushBeforeExit, flushBeforeExit } from './exit-flush.js';
import { FileSink } from './file-sink.js';
import type { LedgerColumns } from './ledger-columns.js';
import { LoadedRecords } from './loaded-records.js';
import { csvHeader, toCsvRow } from './format-csv.js';
import { toJsonLine } from './format-jsonl.js';
import { type ParsedLedgerLine, parseLedgerLine } from './parse-ledger-line.js';
import { readLedger } from './read-ledger.js';
import { createRecordPredicate, type RecordFilter } from './record-filter.js';
import { RecordKeyGuard } from './record-key-guard.js';
import { RecordWindow } from './record-window.js';
import { roundUsd } from './round-usd.js';
import { RunningCost, type UnpricedModel } from './running-cost.js';
import type { UsageRecordInput } from './usage-record-input.js';
import type { UsageRecord } from './usage-record.js';

export type { UnpricedModel } from './running-cost.js';

/** Options of {@link CostTracker}. */
export interface CostTrackerOptions {
  /** The session whose cost `sessionCost()` gives by default. @default a random UUID */
  sessionId?: string;
  /** Sinks every new record is written to. @default [] */
  sinks?: CostSink[];
  /** Receives what went wrong without throwing (a failing sink, a duplicate record). @default a Node process warning */
  onWarning?: (warning: CostWarning) => void;
  /**
   * The most records kept in memory: past it, each new record evicts the oldest, so a
   * long-running server's tracker stays bounded. Sinks still receive every record, and
   * `totalCost()` (unfiltered), `sessionCost()` and `unpriced()` stay exact over every record
   * ever held (running sums). `records()`, `report()`, `totalCost(filter)`, `exportCsv()` and
   * `exportJsonl()` cover only the records still held: the newest `maxRecordsInMemory`. The
   * duplicate guard forgets an evicted record's `(request_id, attempt)` with it, so a key
   * recorded again after its first record left memory is accepted and counted again (the
   * orchestrator never repeats a key; a caller of `record()` that might, should not set a
   * limit). The first eviction raises one `records_evicted` warning. With `fromJsonl`, the
   * ledger is read whole (repeats found over the whole file) and its newest records kept. A
   * positive integer, or `Infinity`.
   * @default Infinity (every record stays in memory)
   * @example new CostTracker({ sinks: [new JsonlSink('usage.jsonl')], maxRecordsInMemory: 100_000 })
   */
  maxRecordsInMemory?: number;
}

/**
 * The cost ledger: one {@link UsageRecord} per attempt that reached a provider, kept in memory
 * and written to each sink. Everything but `flush`, `close` and `fromJsonl` is synchronous, and
 * nothing a sink does can throw into the caller of `record`.
 *
 * @example
 * const tracker = new CostTracker({ sinks: [new JsonlSink('usage.jsonl')] });
 * tracker.report({ groupBy: 'day' }).groups;
 */
/**
 * {@link CostTracker.record} for the first record of a request id the caller has just generated
 * (the orchestrator's `randomUUID()` per call): no other record can hold its key, so the key
 * guard takes it without a lookup. Internal: not exported from the package.
 */
export let recordFirstOfFreshRequest: (tracker: CostTracker, input: UsageRecordInput) => UsageRecord;

export class CostTracker {
  static {
    recordFirstOfFreshRequest = (tracker, input) => tracker.#record(input, true);
  }

  readonly sessionId: string;
  readonly #sinks: CostSink[];
  readonly #onWarning: (warning: CostWarning) => void;
  /** The records held: all, or the newest `maxRecordsInMemory`. */
  readonly #window: RecordWindow;
  /**
   * Records loaded by `fromJsonl` when every record is kept (they come before the window's):
   * in the ledger index's columns where it had them.
   */
  readonly #loaded = new LoadedRecords();
  /** The `(request_id, attempt)` keys of the records held. */
  readonly #keys = new RecordKeyGuard();
  /** Cost (and unpriced counts) of every record ever held, evicted ones included. */
  readonly #runningCost = new RunningCost();
  #evictionWarned = false;
  readonly #pendingWrites = new Set<Promise<void>>();
  readonly #loadWarnings: CostWarning[] = [];
  #closing: Promise<void> | undefined;
  /** Counts records sent to sinks, so a flush knows whether newer ones came during it. */
  #sentCount = 0;
  /**
   * Whether a sink may hold records until its `flush()` (any sink but the built-in file sinks,
   * whose writers register for the exit flush themselves and leave it once drained). Only then
   * does the tracker stay registered until it is flushed.
   */
  #hasBufferingSink = false;

  constructor(options: CostTrackerOptions = {}) {
    this.sessionId = options.sessionId ?? randomUUID();
    this.#sinks = [...(options.sinks ?? [])];
    this.#hasBufferingSink = this.#sinks.some((sink) => !(sink instanceof FileSink));
    this.#onWarning = options.onWarning ?? emitProcessWarning;
    const limit = options.maxRecordsInMemory ?? Number.POSITIVE_INFINITY;
    if (!(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit > 0))) {
      throw new RangeError(`CostTracker maxRecordsInMemory must be a positive integer or Infinity, got ${String(limit)}`);
    }
    this.#window = new RecordWindow(limit);
  }

  /** The most records kept in memory (`Infinity` when unlimited); see {@link CostTrackerOptions.maxRecordsInMemory}. */
  get maxRecordsInMemory(): number {
    return this.#window.capacity;
  }

  /** Warnings from `fromJsonl` about lines it skipped (empty for a tracker built otherwise). */
  get loadWarnings(): readonly CostWarning[] {
    return this.#loadWarnings;
  }

  /**
   * Loads a JSONL ledger written earlier (read in 16 MiB blocks), so reports span runs. Runs of
   * lines that the ledger's index (`<path>.idx`, written by `JsonlSink`) covers, and whose bytes
   * still hash as the index says, are taken from the index without parsing JSON, with the same
   * result; the rest is parsed. With no `maxRecordsInMemory`, records from the index stay in its
   * columns until something needs the objects (`records()`, a filtered report, the exports).
   * Lines that cannot be read (a torn last line after a crash) or repeat a (request, attempt) are
   * skipped with a `ledger_line_skipped` warning naming the line, kept in `loadWarnings` and
   * sent to `onWarning`; blank lines are skipped silently. Loaded records are not written to
   * the sinks. With `maxRecordsInMemory`, the newest records are kept and the running totals
   * cover them all; repeats are found over the whole file (a key guard kept for the load only),
   * so the totals do not depend on the limit.
   * @throws when the file cannot be read (missing, a directory, no permission).
   */
  static async fromJsonl(path: string, options: CostTrackerOptions = {}): Promise<CostTracker> {
    const tracker = new CostTracker(options);
    // A bounded tracker forgets evicted keys: the load checks repeats against every key in the file.
    const seen = tracker.maxRecordsInMemory === Number.POSITIVE_INFINITY ? undefined : new RecordKeyGuard();
    let lineNumber = 0;
    const take = (parsed: ParsedLedgerLine): void => {
      let problem: string | undefined;
      if ('problem' in parsed) problem = parsed.problem;
      else if (seen?.add(parsed.record.request_id, parsed.record.attempt) === -1 || !tracker.#addLoaded(parsed.record)) {
        problem = 'a record for this request and attempt came earlier';
      }
      if (problem === undefined) return;
      const warning = { code: 'ledger_line_skipped', message: `Skipped line ${lineNumber} of cost ledger '${path}': ${problem}` };
      tracker.#loadWarnings.push(warning);
      tracker.#warn(warning.code, warning.message);
    };
    for await (const piece of readLedger(path)) {
      if ('columns' in piece) {
        // Lines the ledger's index covers: their records without parsing JSON, kept in columns
        // when none repeats a key (the usual case) and the tracker keeps every record.
        const rest = seen ? piece.columns.records() : tracker.#addLoadedColumns(piece.columns);
        const first = piece.columns.count - rest.length;
        lineNumber += first;
        for (const record of rest) {
          lineNumber += 1;
          take({ record });
        }
        continue;
      }
      const block = piece.text;
      let start = 0;
      while (start < block.length) {
        let end = block.indexOf('\n', start);
        if (end === -1) end = block.length;
        lineNumber += 1;
        const line = block.slice(start, end > start && block.charCodeAt(end - 1) === 13 ? end - 1 : end);
        start = end + 1;
        // A record line starts with `{`: only other lines need the blank test.
        if (line.charCodeAt(0) !== 123 && line.trim() === '') continue;
        take(parseLedgerLine(line));
      }
    }
    return tracker;
  }

  /**
   * Records one attempt and sends it to every sink (not awaited). A second record for the same
   * `(requestId, attempt)` is refused: the first one is returned and a `duplicate_record`
   * warning is raised. Never throws because of a sink.
   */
  record(input: UsageRecordInput): UsageRecord {
    return this.#record(input, false);
  }

  #record(input: UsageRecordInput, fresh: boolean): UsageRecord {
    // The key is taken first (one lookup): a record's request_id and attempt are the input's.
    const slot = fresh ? this.#keys.addFresh(input.requestId, input.attempt) : this.#keys.add(input.requestId, input.attempt);
    if (slot === -1) {
      const existing = (this.#window.findNewest((record) => record.request_id === input.requestId && record.attempt === input.attempt) ??
        this.#loaded.findNewest(input.requestId, input.attempt)) as UsageRecord;
      this.#warn('duplicate_record', `Ignored a second cost record for request '${input.requestId}' attempt ${input.attempt}`);
      return existing;
    }
    let costUsd = input.costUsd;
    if (costUsd !== null && !Number.isFinite(costUsd)) {
      this.#warn('invalid_cost', `Cost ${String(costUsd)} of request '${input.requestId}' attempt ${input.attempt} is not a number: recorded as unpriced`);
      costUsd = null;
    }
    let record: UsageRecord;
    try {
      record = buildUsageRecord(input, input.sessionId ?? this.sessionId, costUsd === null ? null : roundUsd(costUsd));
    } catch (error) {
      this.#keys.delete(input.requestId, input.attempt);
      throw error;
    }
    this.#hold(record, slot);
    if (this.#closing) {
      this.#warn('record_after_close', `Cost record for request '${input.requestId}' came after close(): kept in memory, not written to sinks`);
      return record;
    }
    if (this.#hasBufferingSink) {
      this.#sentCount += 1;
      flushBeforeExit(this);
    }
    for (const sink of this.#sinks) this.#writeTo(sink, record);
    return record;
  }

  /**
   * The records held that match `filter`, oldest first: with `maxRecordsInMemory`, only among
   * the newest records still in memory.
   */
  records(filter?: RecordFilter): UsageRecord[] {
    const held = this.#loaded.size === 0 ? this.#window.toArray() : this.#loaded.toArray().concat(this.#window.toArray());
    return filter ? held.filter(createRecordPredicate(filter)) : held;
  }

  /**
   * USD of one session's priced records, exact over every record this tracker held (a running
   * sum: evicted records still count). @default this tracker's session
   */
  sessionCost(sessionId: string = this.sessionId): number {
    return this.#runningCost.session(sessionId);
  }

  /**
   * USD of the priced records that match `filter` (unpriced ones add nothing; see `unpriced()`).
   * Without a filter, exact over every record this tracker held (a running sum); with one, over
   * the records still in memory (see `maxRecordsInMemory`).
   */
  totalCost(filter?: RecordFilter): number {
    if (filter === undefined || isEmptyFilter(filter)) return this.#runningCost.total();
    return summarizeRecords(this.records(filter)).costUsd;
  }

  /**
   * Totals, by provider, by model, and by `groupBy` when given, over the records held that
   * match: with `maxRecordsInMemory`, only the newest records still in memory.
   */
  report(options: ReportOptions = {}): CostReport {
    const { groupBy, ...filter } = options;
    const requestCount = this.#keys.slotLimit;
    const { records, numbers } = this.#window.held();
    if (isEmptyFilter(filter)) {
      const builder = new CostReportBuilder(groupBy, requestCount, this.#loaded.size + records.length);
      this.#loaded.addTo(builder);
      builder.addRecords(records, numbers);
      return builder.build();
    }
    const matches = createRecordPredicate(filter);
    const all = this.#loaded.size === 0 ? records : this.#loaded.toArray().concat(records);
    const allNumbers = this.#loaded.size === 0 ? numbers : concatNumbers(this.#loaded.requestNumbers(), numbers);
    const selected: UsageRecord[] = [];
    const selectedNumbers = new Int32Array(all.length);
    all.forEach((record, index) => {
      if (!matches(record)) return;
      selectedNumbers[selected.length] = allNumbers[index] as number;
      selected.push(record);
    });
    return buildCostReport(selected, groupBy, { requestOf: selectedNumbers, requestCount });
  }

  /**
   * The (provider, model) pairs with unpriced records, in the order first seen, counted over
   * every record this tracker held (evicted ones included).
   */
  unpriced(): UnpricedModel[] {
    return this.#runningCost.unpriced();
  }

  /**
   * The ledger as CSV text (header, then one row a record); given a path, also writes it there.
   * Covers the records held (with `maxRecordsInMemory`, the newest ones); the sinks have them all.
   */
  exportCsv(path?: string): string {
    const text = [csvHeader(), ...this.records().map(toCsvRow)].map((line) => `${line}\n`).join('');
    if (path !== undefined) writeTextFile(path, text);
    return text;
  }

  /**
   * The ledger as JSONL text (one record a line); given a path, also writes it there. Covers
   * the records held (with `maxRecordsInMemory`, the newest ones); the sinks have them all.
   */
  exportJsonl(path?: string): string {
    const text = this.records()
      .map((record) => `${toJsonLine(record)}\n`)
      .join('');
    if (path !== undefined) writeTextFile(path, text);
    return text;
  }

  /** Adds a sink; it receives the records recorded from now on. */
  addSink(sink: CostSink): void {
    this.#sinks.push(sink);
    if (!(sink instanceof FileSink)) this.#hasBufferingSink = true;
  }

  /**
   * Waits for the sinks' pending writes, then flushes each sink. Never rejects. A tracker with
   * records not yet flushed is also flushed on the process's `beforeExit` (one shared listener,
   * removed once every tracker is flushed), so a script that ends without `close()` keeps them.
   */
  async flush(): Promise<void> {
    const sentBefore = this.#sentCount;
    await Promise.all([...this.#pendingWrites]);
    await Promise.all(
      this.#sinks.map((sink) => settle(() => sink.flush?.(), (error) => this.#warn('sink_flush_failed', `A cost sink failed to flush: ${describe(error)}`))),
    );
    if (this.#sentCount === sentBefore) cancelFlushBeforeExit(this);
  }

  /** Flushes, then closes every sink. Idempotent; never rejects. Later records stay in memory only. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.flush();
      await Promise.all(
        this.#sinks.map((sink) => settle(() => sink.close?.(), (error) => this.#warn('sink_close_failed', `A cost sink failed to close: ${describe(error)}`))),
      );
      cancelFlushBeforeExit(this);
    })();
    return this.#closing;
  }

  /**
   * Holds a record read from a ledger unless its key is held already (false): among the loaded
   * records when the tracker keeps every record, else in the window (evicting the oldest).
   */
  #addLoaded(record: UsageRecord): boolean {
    const slot = this.#keys.add(record.request_id, record.attempt);
    if (slot === -1) return false;
    if (this.#window.capacity !== Number.POSITIVE_INFINITY) {
      this.#hold(record, slot);
      return true;
    }
    Object.freeze(record.metadata);
    Object.freeze(record);
    this.#runningCost.add(record);
    this.#loaded.addRecord(record, slot);
    return true;
  }

  /**
   * Holds a run of loaded records in columns (only when the tracker keeps every record). When
   * one repeats a key, the records before it are held as objects and the rest are returned,
   * from the repeat on, for the caller to take one by one (and report the repeat).
   */
  #addLoadedColumns(columns: LedgerColumns): UsageRecord[] {
    const { count, strings } = columns;
    const requests = columns.textColumn('request_id');
    const attempts = columns.numberColumn('attempt');
    // Each request's slot by its index in the run's strings: one map lookup per request, not per record.
    const slotOfString = new Int32Array(strings.length).fill(-1);
    const requestOf = new Int32Array(count);
    for (let index = 0; index < count; index += 1) {
      const text = requests[index] as number;
      const known = slotOfString[text] as number;
      const requestId = strings[text] as string;
      const slot = known === -1 ? this.#keys.add(requestId, attempts[index] as number) : this.#keys.addToSlot(known, requestId, attempts[index] as number);
      if (slot === -1) {
        const records = columns.records();
        for (let held = 0; held < index; held += 1) {
          const record = Object.freeze(records[held] as UsageRecord);
          this.#runningCost.add(record);
          this.#loaded.addRecord(record, requestOf[held] as number);
        }
        return records.slice(index);
      }
      slotOfString[text] = slot;
      requestOf[index] = slot;
    }
    this.#runningCost.addColumns(columns);
    this.#loaded.addColumns(columns, requestOf);
    return [];
  }

  /** Holds a record whose key was just added with `slot`; evicts the oldest when full. */
  #hold(record: UsageRecord, slot: number): void {
    if (!Object.isFrozen(record.metadata)) Object.freeze(record.metadata);
    Object.freeze(record);
    this.#runningCost.add(record);
    const evicted = this.#window.push(record, slot);
    if (evicted !== undefined) {
      this.#keys.delete(evicted.request_id, evicted.attempt);
      if (!this.#evictionWarned) {
        this.#evictionWarned = true;
        this.#warn(
          'records_evicted',
          `Cost tracker holds at most ${this.#window.capacity} records (maxRecordsInMemory): older ones leave memory, so records(), report() and exports cover only the newest; sinks got every record and totalCost()/sessionCost() stay exact`,
        );
      }
    }
  }

  #writeTo(sink: CostSink, record: UsageRecord): void {
    const onError = (error: unknown): void =>
      this.#warn('sink_write_failed', `A cost sink failed to write request '${record.request_id}' attempt ${record.attempt}: ${describe(error)}`);
    let result: unknown;
    try {
      result = sink.write(record);
    } catch (error) {
      onError(error);
      return;
    }
    // Only an asynchronous sink needs tracking; a synchronous one (the file sinks) costs no promise.
    if (!isPromiseLike(result)) return;
    const pending = settle(() => result, onError);
    this.#pendingWrites.add(pending);
    void pending.finally(() => this.#pendingWrites.delete(pending));
  }

  #warn(code: string, message: string): void {
    try {
      this.#onWarning({ code, message });
    } catch {
      // A throwing warning handler must not reach the request path either.
    }
  }
}

function concatNumbers(first: Int32Array, second: Int32Array): Int32Array {
  const all = new Int32Array(first.length + second.length);
  all.set(first);
  all.set(second, first.length);
  return all;
}

/** True when the filter selects every record (no field given). */
function isEmptyFilter(filter: RecordFilter): boolean {
  return Object.values(filter).every((value) => value === undefined);
}

/** Runs a sink call; a throw or a rejection goes to `onError`. The promise never rejects. */
async function settle(call: () => unknown, onError: (error: unknown) => void): Promise<void> {
  try {
    await call();
  } catch (error) {
    onError(error);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function writeTextFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, 'utf8');
}

function emitProcessWarning(warning: CostWarning): void {
  process.emitWarning(warning.message, { type: 'CostTrackerWarning', code: warning.code });
}
