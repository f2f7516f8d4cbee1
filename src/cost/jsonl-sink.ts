import { FileSink } from './file-sink.js';
import { toJsonLine } from './format-jsonl.js';
import type { JsonlSinkOptions } from './jsonl-sink-options.js';
import { ledgerIndexPath } from './ledger-index-format.js';
import { LedgerIndexWriter } from './ledger-index-writer.js';
import type { UsageRecord } from './usage-record.js';

/**
 * Appends each record to a JSONL ledger: one JSON object a line, keys in ledger column order.
 * Creates the file's directory; one queued writer, so lines never interleave. `write` never
 * throws: failures go to `onError` and the lines stay queued for the next try. Keeps an index
 * beside the ledger (`<path>.idx`) unless `index: false`; see {@link JsonlSinkOptions.index}.
 *
 * @example
 * const tracker = new CostTracker({ sinks: [new JsonlSink('logs/usage.jsonl')] });
 */
export class JsonlSink extends FileSink {
  constructor(path: string, options: JsonlSinkOptions = {}) {
    super(path, options, undefined, options.index === false ? undefined : new LedgerIndexWriter(ledgerIndexPath(path)));
  }

  protected format(record: UsageRecord): string {
    return toJsonLine(record);
  }
}
