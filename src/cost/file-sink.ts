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

  /** Queues the record's line; the write happens after the current synchronous code. */
  write(record: UsageRecord): void {
    try {
      this.#writer.enqueue(`${this.format(record)}\n`);
    } catch (error) {
      // A record that cannot be serialised (a BigInt in metadata) is reported, not thrown.
      this.#writer.reportError(error);
    }
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
