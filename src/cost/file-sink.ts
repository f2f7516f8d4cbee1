import type { CostSink } from './cost-sink.js';
import type { FileSinkOptions } from './file-sink-options.js';
import { QueuedFileWriter } from './queued-file-writer.js';
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
  readonly #writtenKeys = new Set<string>();
  #skippedDuplicates = 0;

  /** @param preamble written first when the file is new or empty (a CSV header). */
  protected constructor(path: string, options: FileSinkOptions, preamble?: string) {
    this.path = path;
    this.#writer = new QueuedFileWriter({ path, onError: options.onError, ...(preamble !== undefined ? { preamble } : {}) });
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
   * by two trackers, never put one attempt in the file twice.
   */
  write(record: UsageRecord): void {
    const key = `${record.request_id}\u0000${record.attempt}`;
    if (this.#writtenKeys.has(key)) {
      this.#skippedDuplicates += 1;
      return;
    }
    let line: string;
    try {
      line = `${this.format(record)}\n`;
    } catch (error) {
      // A record that cannot be serialised (a BigInt in metadata) is reported, not thrown.
      this.#writer.reportError(error);
      return;
    }
    this.#writtenKeys.add(key);
    this.#writer.enqueue(line);
  }

  /** Resolves once the queued lines are on disk, or their write failed (see `onError`). */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Flushes. The sink holds no open file, so writing after `close()` still works. */
  close(): Promise<void> {
    return this.#writer.flush();
  }
}
