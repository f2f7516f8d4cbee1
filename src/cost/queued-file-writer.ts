import { appendFile, type FileHandle, mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { cancelFlushBeforeExit, flushBeforeExit } from './exit-flush.js';

/** Options of {@link QueuedFileWriter}. */
export interface QueuedFileWriterOptions {
  path: string;
  onError?: (error: Error) => void;
  /** Written first when the file is missing or empty at the first write (a CSV header line). */
  preamble?: string;
  /** Called after each successful write with what it wrote (for a ledger index). Must not throw. */
  onWritten?: (written: WrittenText) => void;
}

/** What one write put in the file. */
export interface WrittenText {
  /** How many queued chunks, oldest first, the write held. */
  chunks: number;
  /** Their text, concatenated, as the UTF-8 bytes written. */
  data: Buffer;
  /**
   * Byte offset in the file where those bytes start (after any line end or preamble put before
   * them), as far as the writer can tell; -1 when it cannot (the file could not be looked at).
   */
  offset: number;
}

/**
 * Appends text to one file through a single queue: one `appendFile` at a time, each taking
 * everything queued since the last, so concurrent writers never interleave and a burst of
 * records costs one system call. Never throws to the caller of `enqueue`; failures go to
 * `onError` and the failed text stays at the head of the queue for the next try, which at the
 * latest is the process's `beforeExit`.
 */
export class QueuedFileWriter {
  readonly path: string;
  readonly #onError: (error: Error) => void;
  readonly #preamble: string | undefined;
  readonly #onWritten: ((written: WrittenText) => void) | undefined;
  #pending: string[] = [];
  #draining: Promise<void> | undefined;
  #fileReady = false;
  /** Where the next write lands, as far as this writer knows (another process may append too). */
  #nextOffset = 0;
  #enqueuedCount = 0;
  #writtenCount = 0;

  constructor(options: QueuedFileWriterOptions) {
    this.path = options.path;
    this.#preamble = options.preamble;
    this.#onWritten = options.onWritten;
    this.#onError = options.onError ?? ((error) => emitWriteWarning(options.path, error));
  }

  /** Chunks waiting to be written (after a failure, those that failed). */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Queues text; the write starts after the current synchronous code, batching what follows. */
  enqueue(text: string): void {
    this.#pending.push(text);
    this.#enqueuedCount += 1;
    flushBeforeExit(this);
    this.#startDrain();
  }

  /**
   * Resolves once everything queued before the call is written, or a write failed (reported
   * through `onError`). Text left over from an earlier failure gets one more try.
   */
  async flush(): Promise<void> {
    const target = this.#enqueuedCount;
    let retried = false;
    while (this.#writtenCount < target) {
      if (!this.#draining) {
        if (retried) return;
        retried = true;
        this.#startDrain();
      }
      await this.#draining;
    }
  }

  /** Reports an error through `onError`; never throws. */
  reportError(error: unknown): void {
    try {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // A throwing error handler must not break the queue.
    }
  }

  #startDrain(): void {
    if (this.#draining) return;
    this.#draining = Promise.resolve().then(async () => {
      const drained = await this.#drain();
      this.#draining = undefined;
      // Text queued between the end of the loop and here would otherwise wait for the next write.
      if (drained && this.#pending.length > 0) this.#startDrain();
      else if (drained) cancelFlushBeforeExit(this);
    });
  }

  /** Writes batches until the queue is empty (true) or a write fails (false). */
  async #drain(): Promise<boolean> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      // Encoded once: the same bytes go to the file and to `onWritten`.
      const data = Buffer.from(batch.join(''), 'utf8');
      try {
        let lead = '';
        if (!this.#fileReady) {
          const prepared = await this.#prepareFile();
          lead = prepared.lead;
          this.#nextOffset = prepared.size + Buffer.byteLength(lead);
        }
        await appendFile(this.path, lead === '' ? data : Buffer.concat([Buffer.from(lead, 'utf8'), data]));
        this.#fileReady = true;
        this.#writtenCount += batch.length;
      } catch (error) {
        // Look at the file again before the next try: a failed append may have left part of
        // the batch, a torn line the retry must not be glued to.
        this.#fileReady = false;
        this.#pending = batch.concat(this.#pending);
        this.reportError(error);
        return false;
      }
      if (this.#onWritten) {
        let offset = this.#nextOffset;
        this.#nextOffset += data.length;
        try {
          // Another writer (a second sink, another process, a rotation) may have appended or
          // replaced the file since: where our bytes ended is the file's size now, unless it
          // grew again in between, which the observer's own checks must catch.
          const { size } = await stat(this.path);
          if (size !== this.#nextOffset) {
            offset = size - data.length;
            this.#nextOffset = size;
          }
        } catch {
          offset = -1;
        }
        try {
          this.#onWritten({ chunks: batch.length, data, offset });
        } catch {
          // What is written stays written; a failing observer must not stop the queue.
        }
      }
    }
    return true;
  }

  /**
   * The file's size, and what goes before the next write (`lead`): the preamble (a CSV header)
   * when the file is new or empty; a line end when a crash or a failed write left its last line
   * torn, so the next record starts a line of its own instead of being glued to the torn one
   * (and skipped with it on reload).
   */
  async #prepareFile(): Promise<{ size: number; lead: string }> {
    await mkdir(dirname(this.path), { recursive: true });
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { size: 0, lead: this.#preamble ?? '' };
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size === 0) return { size, lead: this.#preamble ?? '' };
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      return { size, lead: last[0] === 0x0a ? '' : '\n' };
    } finally {
      await handle.close();
    }
  }
}

function emitWriteWarning(path: string, error: Error): void {
  process.emitWarning(`llm-orchestrator: could not write cost ledger '${path}': ${error.message}`, {
    code: 'LLM_ORCHESTRATOR_LEDGER_WRITE',
  });
}
