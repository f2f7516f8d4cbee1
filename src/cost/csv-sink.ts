import type { CostSink } from './cost-sink.js';
import type { FileSinkOptions } from './file-sink-options.js';
import { csvHeader, toCsvRow } from './format-csv.js';
import { QueuedFileWriter } from './queued-file-writer.js';
import type { UsageRecord } from './usage-record.js';

/**
 * Appends each record to a CSV ledger as one RFC 4180 row (see {@link toCsvRow}), writing the
 * header first when the file is new or empty. Creates the file's directory; one queued writer,
 * so rows never interleave. `write` never throws: failures go to `onError` and the rows stay
 * queued for the next try. Lines end with `\n`.
 *
 * @example
 * const tracker = new CostTracker({ sinks: [new CsvSink('logs/usage.csv')] });
 */
export class CsvSink implements CostSink {
  readonly path: string;
  readonly #writer: QueuedFileWriter;

  constructor(path: string, options: FileSinkOptions = {}) {
    this.path = path;
    this.#writer = new QueuedFileWriter({ path, onError: options.onError, preamble: `${csvHeader()}\n` });
  }

  /** Rows not yet stored (after a failed write, the ones that failed). */
  get pendingCount(): number {
    return this.#writer.pendingCount;
  }

  /** Queues the record's row; the write happens after the current synchronous code. */
  write(record: UsageRecord): void {
    try {
      this.#writer.enqueue(`${toCsvRow(record)}\n`);
    } catch (error) {
      // A record that cannot be serialised (a BigInt in metadata) is reported, not thrown.
      this.#writer.reportError(error);
    }
  }

  /** Resolves once the queued rows are on disk, or their write failed (see `onError`). */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Flushes. The sink holds no open file, so writing after `close()` still works. */
  close(): Promise<void> {
    return this.#writer.flush();
  }
}
