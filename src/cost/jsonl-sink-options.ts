import type { FileSinkOptions } from './file-sink-options.js';

/** Options of {@link JsonlSink}. */
export interface JsonlSinkOptions extends FileSinkOptions {
  /**
   * Keep an index beside the ledger (`<path>.idx`, about a third of the ledger's size): the
   * records again, in columns, with the byte range and SHA-256 of the lines they came from, so
   * `CostTracker.fromJsonl` takes them without parsing JSON (a million records load and report
   * in about 1.2 s instead of 4-6 s). Written in segments of up to 4,096 records as lines reach
   * the disk, and at `close()` for the rest; a run of fewer than 64 records is left out. Lines
   * the index does not cover, or whose bytes no longer hash as it says (the ledger edited,
   * another writer's lines), are parsed from the ledger, so the index can be deleted at any time.
   * @default true
   */
  index?: boolean;
}
