import type { FileSinkOptions } from './file-sink-options.js';
import { FileSink } from './file-sink.js';
import { csvHeader, toCsvRow } from './format-csv.js';
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
export class CsvSink extends FileSink {
  constructor(path: string, options: FileSinkOptions = {}) {
    super(path, options, `${csvHeader()}\n`);
  }

  protected format(record: UsageRecord): string {
    return toCsvRow(record);
  }
}
