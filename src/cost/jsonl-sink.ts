import type { CostSink } from './cost-sink.js';
import type { FileSinkOptions } from './file-sink-options.js';
import { toJsonLine } from './format-jsonl.js';
import { QueuedFileWriter } from './queued-file-writer.js';
import type { UsageRecord } from './usage-record.js';

/**
 * Appends each record to a JSONL ledger: one JSON object a line, keys in ledger column order.
 * Creates the file's directory; one queued writer, so lines never interleave. `write` never
 * throws: failures go to `onError` and the lines stay queued for the next try.
 *
 * @example
 * const tracker = new CostTracker({ sinks: [new JsonlSink('logs/usage.jsonl')] });
 */
export class JsonlSink implements CostSink {
  readonly path: string;
  readonly #writer: QueuedFileWriter;

  constructor(path: string, options: FileSinkOptions = {}) {
    this.path = path;
    this.#writer = new QueuedFileWriter({ path, onError: options.onError });
  }

  /** Lines not yet stored (after a failed write, the ones that failed). */
  get pendingCount(): number {
    return this.#writer.pendingCount;
  }

  /** Queues the record's line; the write happens after the current synchronous code. */
  write(record: UsageRecord): void {
    try {
      this.#writer.enqueue(`${toJsonLine(record)}\n`);
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
