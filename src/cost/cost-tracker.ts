import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildCostReport, summarizeRecords } from './build-cost-report.js';
import { buildUsageRecord } from './build-usage-record.js';
import type { CostReport, ReportOptions } from './cost-report.js';
import type { CostSink } from './cost-sink.js';
import type { CostWarning } from './cost-warning.js';
import { cancelFlushBeforeExit, flushBeforeExit } from './exit-flush.js';
import { FileSink } from './file-sink.js';
import { csvHeader, toCsvRow } from './format-csv.js';
import { toJsonLine } from './format-jsonl.js';
import { parseLedgerLine } from './parse-ledger-line.js';
import { readLineBatches } from './read-line-batches.js';
import { createRecordPredicate, type RecordFilter } from './record-filter.js';
import { roundUsd } from './round-usd.js';
import type { UsageRecordInput } from './usage-record-input.js';
import type { UsageRecord } from './usage-record.js';

/** Options of {@link CostTracker}. */
export interface CostTrackerOptions {
  /** The session whose cost `sessionCost()` gives by default. @default a random UUID */
  sessionId?: string;
  /** Sinks every new record is written to. @default [] */
  sinks?: CostSink[];
  /** Receives what went wrong without throwing (a failing sink, a duplicate record). @default a Node process warning */
  onWarning?: (warning: CostWarning) => void;
}

/** A model that has records with no price, and how many. */
export interface UnpricedModel {
  provider: string;
  model: string;
  records: number;
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
export class CostTracker {
  readonly sessionId: string;
  readonly #sinks: CostSink[];
  readonly #onWarning: (warning: CostWarning) => void;
  readonly #records: UsageRecord[] = [];
  /**
   * Records by request id, then attempt: a nested lookup avoids building a joined key string
   * per record (a third of the time to load a million-record ledger). A request has a few
   * attempts, so a short array per request is the cheapest second level.
   */
  readonly #byRequest = new Map<string, UsageRecord[]>();
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
  }

  /** Warnings from `fromJsonl` about lines it skipped (empty for a tracker built otherwise). */
  get loadWarnings(): readonly CostWarning[] {
    return this.#loadWarnings;
  }

  /**
   * Loads a JSONL ledger written earlier (streamed line by line), so reports span runs. Lines
   * that cannot be read (a torn last line after a crash) or repeat a (request, attempt) are
   * skipped with a `ledger_line_skipped` warning, kept in `loadWarnings` and sent to
   * `onWarning`. Loaded records are not written to the sinks.
   * @throws when the file cannot be read (missing, a directory, no permission).
   */
  static async fromJsonl(path: string, options: CostTrackerOptions = {}): Promise<CostTracker> {
    const tracker = new CostTracker(options);
    let lineNumber = 0;
    for await (const lines of readLineBatches(path)) {
      for (const line of lines) {
        lineNumber += 1;
        if (line.trim() === '') continue;
        const parsed = parseLedgerLine(line);
        const problem = 'problem' in parsed ? parsed.problem : tracker.#add(parsed.record) ? undefined : 'a record for this request and attempt came earlier';
        if (problem === undefined) continue;
        const warning = { code: 'ledger_line_skipped', message: `Skipped line ${lineNumber} of cost ledger '${path}': ${problem}` };
        tracker.#loadWarnings.push(warning);
        tracker.#warn(warning.code, warning.message);
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
    const existing = this.#find(input.requestId, input.attempt);
    if (existing) {
      this.#warn('duplicate_record', `Ignored a second cost record for request '${input.requestId}' attempt ${input.attempt}`);
      return existing;
    }
    let costUsd = input.costUsd;
    if (costUsd !== null && !Number.isFinite(costUsd)) {
      this.#warn('invalid_cost', `Cost ${String(costUsd)} of request '${input.requestId}' attempt ${input.attempt} is not a number: recorded as unpriced`);
      costUsd = null;
    }
    const record = buildUsageRecord(input, input.sessionId ?? this.sessionId, costUsd === null ? null : roundUsd(costUsd));
    this.#add(record);
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

  /** The records that match `filter`, oldest first. */
  records(filter?: RecordFilter): UsageRecord[] {
    if (!filter) return [...this.#records];
    return this.#records.filter(createRecordPredicate(filter));
  }

  /** USD of one session's priced records. @default this tracker's session */
  sessionCost(sessionId: string = this.sessionId): number {
    return summarizeRecords(this.records({ sessionId })).costUsd;
  }

  /** USD of the priced records that match `filter` (unpriced ones add nothing; see `unpriced()`). */
  totalCost(filter?: RecordFilter): number {
    return summarizeRecords(this.records(filter)).costUsd;
  }

  /** Totals, by provider, by model, and by `groupBy` when given, over the records that match. */
  report(options: ReportOptions = {}): CostReport {
    const { groupBy, ...filter } = options;
    return buildCostReport(this.records(filter), groupBy);
  }

  /** The (provider, model) pairs with unpriced records, in the order first seen. */
  unpriced(): UnpricedModel[] {
    const models = new Map<string, UnpricedModel>();
    for (const record of this.#records) {
      if (record.cost_usd !== null) continue;
      const key = `${record.provider}\u0000${record.model}`;
      const entry = models.get(key) ?? { provider: record.provider, model: record.model, records: 0 };
      entry.records += 1;
      models.set(key, entry);
    }
    return [...models.values()];
  }

  /** The ledger as CSV text (header, then one row a record); given a path, also writes it there. */
  exportCsv(path?: string): string {
    const text = [csvHeader(), ...this.#records.map(toCsvRow)].map((line) => `${line}\n`).join('');
    if (path !== undefined) writeTextFile(path, text);
    return text;
  }

  /** The ledger as JSONL text (one record a line); given a path, also writes it there. */
  exportJsonl(path?: string): string {
    const text = this.#records.map((record) => `${toJsonLine(record)}\n`).join('');
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

  #find(requestId: string, attempt: number): UsageRecord | undefined {
    const attempts = this.#byRequest.get(requestId);
    if (attempts === undefined) return undefined;
    for (const record of attempts) if (record.attempt === attempt) return record;
    return undefined;
  }

  #add(record: UsageRecord): boolean {
    const attempts = this.#byRequest.get(record.request_id);
    if (attempts === undefined) this.#byRequest.set(record.request_id, [record]);
    else if (attempts.some((earlier) => earlier.attempt === record.attempt)) return false;
    else attempts.push(record);
    Object.freeze(record.metadata);
    Object.freeze(record);
    this.#records.push(record);
    return true;
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
