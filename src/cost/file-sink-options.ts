/** Options of the built-in file sinks ({@link JsonlSink}, {@link CsvSink}). */
export interface FileSinkOptions {
  /**
   * Called with every failed attempt to write to the file. The lines that failed stay queued
   * and are tried again on the next write or `flush()`.
   * @default a Node process warning (`process.emitWarning`)
   */
  onError?: (error: Error) => void;
}
