import type { CostSink } from './cost-sink.js';
import type { FileSinkOptions } from './file-sink-options.js';
import type { LedgerIndexWriter } from './ledger-index-writer.js';
import { QueuedFileWriter, type WrittenText } from './queued-file-writer.js';
import { RecordKeyGuard } from './record-key-guard.js';
import { RecordWindow } from './record-window.js';
import type { UsageRecord } from './usage-record.js';

/**
 * A sink that appends one line per record to a file through one queued writer, so lines never
 * interleave. `write` never throws: failures go to `onError` and the lines stay queued for the
 * next try. {@link JsonlSink} and {@link CsvSink} differ only in how a record becomes a line.
 */
export abstract class FileSink implements CostSink {
  readonly path: string;
  readonly #writer: QueuedFileWriter;
  /** The (request, attempt) keys this sink has written: a ledger line is never written twice. */
  readonly #writtenKeys = new RecordKeyGuard();
  /** With `maxRememberedKeys`, the newest records written, whose keys are the ones remembered. */
  readonly #remembered: RecordWindow | undefined;
  readonly #index: LedgerIndexWriter | undefined;
  /** With an index, the records whose lines are queued, oldest first. */
  #queuedRecords: UsageRecord[] = [];
  #skippedDuplicates = 0;

  /**
   * @param preamble written first when the file is new or empty (a CSV header).
   * @param index given the records of the lines once they are written (a JSONL ledger's index).
   */
  protected constructor(path: string, options: FileSinkOptions, preamble?: string, index?: LedgerIndexWriter) {
    this.path = path;
    const limit = options.maxRememberedKeys ?? Number.POSITIVE_INFINITY;
    if (!(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit > 0))) {
      throw new RangeError(`File sink maxRememberedKeys must be a positive integer or Infinity, got ${String(limit)}`);
    }
    this.#remembered = limit === Number.POSITIVE_INFINITY ? undefined : new RecordWindow(limit);
    this.#index = index;
    this.#writer = new QueuedFileWriter({
      path,
      onError: options.onError,
      ...(preamble !== undefined ? { preamble } : {}),
      ...(index ? { onWritten: (written: WrittenText) => this.#indexWritten(written) } : {}),
    });
  }

  /** The record as one line, without its line end. */
  protected abstract format(record: UsageRecord): string;

  /** Lines not yet stored (after a failed write, the ones that failed). */
  get pendingCount(): number {
    return this.#writer.pendingCount;
  }

  /** Records refused because this sink already wrote their (request, attempt) key. */
  get skippedDuplicates(): number {
    return this.#skippedDuplicates;
  }

  /**
   * Queues the record's line; the write happens after the current synchronous code. A record
   * whose `(request_id, attempt)` this sink already wrote is skipped (counted in
   * `skippedDuplicates`), so records loaded from a ledger and written again, or a sink shared
   * by two trackers, never put one attempt in the file twice (within the newest
   * `maxRememberedKeys` keys, when set).
   */
  write(record: UsageRecord): void {
    if (this.#writtenKeys.add(record.request_id, record.attempt) === -1) {
      this.#skippedDuplicates += 1;
      return;
    }
    let line: string;
    try {
      line = `${this.format(record)}\n`;
    } catch (error) {
      // A record that cannot be serialised (a BigInt in metadata) is reported, not thrown.
      this.#writtenKeys.delete(record.request_id, record.attempt);
      this.#writer.reportError(error);
      return;
    }
    const forgotten = this.#remembered?.push(record);
    if (forgotten !== undefined) this.#writtenKeys.delete(forgotten.request_id, forgotten.attempt);
    // The index is encoded later (every 4,096 records, or at close()): it must hold what the
    // line says, not an object the caller may still change. The tracker's records are frozen.
    if (this.#index) this.#queuedRecords.push(isSettled(record) ? record : (JSON.parse(line) as UsageRecord));
    this.#writer.enqueue(line);
  }

  /**
   * Resolves once the queued lines are on disk, or their write failed (see `onError`), and the
   * index segments they completed are written.
   */
  async flush(): Promise<void> {
    await this.#writer.flush();
    await this.#index?.settled();
  }

  /**
   * Flushes, and completes the ledger index when there is one. The sink holds no open file, so
   * writing after `close()` still works.
   */
  async close(): Promise<void> {
    await this.#writer.flush();
    await this.#index?.close();
  }

  /** One line was queued per record, so the write's chunks are the oldest queued records. */
  #indexWritten(written: WrittenText): void {
    const records = this.#queuedRecords.length === written.chunks ? this.#queuedRecords : this.#queuedRecords.slice(0, written.chunks);
    this.#queuedRecords = records === this.#queuedRecords ? [] : this.#queuedRecords.slice(written.chunks);
    this.#index?.add(records, written.offset, written.data);
  }
}

/**
 * True when the record cannot differ later from the line written now: frozen, a plain object,
 * with frozen plain metadata, as the tracker holds its records.
 */
function isSettled(record: UsageRecord): boolean {
  const { metadata } = record as { metadata: unknown };
  if (!Object.isFrozen(record) || Object.getPrototypeOf(record) !== Object.prototype) return false;
  if (typeof metadata !== 'object' || metadata === null || !Object.isFrozen(metadata)) return false;
  const metadataPrototype: unknown = Object.getPrototypeOf(metadata);
  return metadataPrototype === Object.prototype || metadataPrototype === null;
}
