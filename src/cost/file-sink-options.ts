/** Options of the built-in file sinks ({@link JsonlSink}, {@link CsvSink}). */
export interface FileSinkOptions {
  /**
   * Called with every failed attempt to write to the file. The lines that failed stay queued
   * and are tried again on the next write or `flush()`.
   * @default a Node process warning (`process.emitWarning`)
   */
  onError?: (error: Error) => void;
  /**
   * How many of the newest `(request_id, attempt)` keys the sink remembers to never write one
   * twice. Past it, the oldest keys are forgotten, so a long-running server's sink stays
   * bounded; give it the tracker's `maxRecordsInMemory` (the tracker refuses duplicates among
   * the records it holds). A positive integer, or `Infinity`.
   * @default Infinity (every key written is remembered)
   */
  maxRememberedKeys?: number;
}
