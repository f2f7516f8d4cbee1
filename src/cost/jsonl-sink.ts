import type { FileSinkOptions } from './file-sink-options.js';
import { FileSink } from './file-sink.js';
import { toJsonLine } from './format-jsonl.js';
import type { UsageRecord } from './usage-record.js';

/**
 * Appends each record to a JSONL ledger: one JSON object a line, keys in ledger column order.
 * Creates the file's directory; one queued writer, so lines never interleave. `write` never
 * throws: failures go to `onError` and the lines stay queued for the next try.
 *
 * @example
 * const tracker = new CostTracker({ sinks: [new JsonlSink('logs/usage.jsonl')] });
 */
export class JsonlSink extends FileSink {
  constructor(path: string, options: FileSinkOptions = {}) {
    super(path, options);
  }

  protected format(record: UsageRecord): string {
    return toJsonLine(record);
  }
}
