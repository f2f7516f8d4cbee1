import type { FileSinkOptions } from './file-sink-options.js';

/** Options of {@link JsonlSink}. */
export interface JsonlSinkOptions extends FileSinkOptions {
  /**
   * Keep an index beside the ledger (`<path>.idx`): the records again, in columns, with the
   * byte range and SHA-256 of the lines they came from, so `CostTracker.fromJsonl` rebuilds
   * them without parsing JSON (a million records load in about a second instead of four).
   * Written every 4,096 records and at `close()`; a range whose lines no longer hash the same
   * (the ledger edited, another process's lines in between) and the lines after the last
   * segment are read from the ledger itself, so the index can be deleted at any time. About a
   * quarter of the ledger's size.
   * @default true
   */
  index?: boolean;
}
