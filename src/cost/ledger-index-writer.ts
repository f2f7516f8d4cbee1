import { createHash, type Hash } from 'node:crypto';
import { appendFile, writeFile } from 'node:fs/promises';
import { encodeLedgerIndexSegment, MIN_SEGMENT_RECORDS } from './ledger-index-format.js';
import { isLedgerRecord } from './parse-ledger-line.js';
import type { UsageRecord } from './usage-record.js';

/** Records a segment holds before it is written: few enough that an unindexed tail parses fast. */
export const INDEX_SEGMENT_RECORDS = 4_096;

/**
 * Writes the index of a JSONL ledger (see `ledger-index-format.ts`) as the sink's lines reach
 * the disk: it gathers runs of consecutive lines and appends a segment for every
 * {@link INDEX_SEGMENT_RECORDS} records, and for what is left at `close()` (a run shorter than
 * `MIN_SEGMENT_RECORDS` is left unindexed: it parses as fast as it checks). The index only ever
 * speeds up `CostTracker.fromJsonl`; the ledger stays the record of truth. So a batch that
 * cannot be indexed (a record not in ledger form) is left out, and after a failed index write
 * the writer stops: the lines it does not cover are parsed from the ledger when loaded.
 */
export class LedgerIndexWriter {
  readonly path: string;
  #records: UsageRecord[] = [];
  #hash: Hash | undefined;
  #offset = 0;
  #length = 0;
  #written: Promise<void> = Promise.resolve();
  #failed = false;
  /** Whether this writer has written to the index file yet. */
  #started = false;
  /** Whether the ledger was empty when this writer first saw it: then any older index is stale. */
  #ledgerWasEmpty: boolean | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** Whether an index write failed (nothing more is indexed by this writer). */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * Takes records whose lines (`toJsonLine` of each plus `\n`, in order: `data`, as UTF-8) were
   * just appended to the ledger at byte `offset` (-1: unknown, so not indexed).
   */
  add(records: readonly UsageRecord[], offset: number, data: Buffer): void {
    if (this.#failed) return;
    this.#ledgerWasEmpty ??= offset === 0;
    if (offset < 0 || !records.every(isLedgerRecord)) {
      this.#emit();
      return;
    }
    // A run continues only where the last batch ended; another writer's lines in between start a new one.
    if (this.#records.length > 0 && offset !== this.#offset + this.#length) this.#emit();
    // A large batch is cut at line ends into segments of at most INDEX_SEGMENT_RECORDS records,
    // so a loader never holds more than a few segments' lines at once.
    let position = 0;
    let taken = 0;
    while (taken < records.length) {
      if (this.#records.length === 0) {
        this.#offset = offset + position;
        this.#length = 0;
        this.#hash = createHash('sha256');
      }
      const take = Math.min(INDEX_SEGMENT_RECORDS - this.#records.length, records.length - taken);
      let end = data.length;
      if (taken + take < records.length) {
        end = position;
        for (let line = 0; line < take && end !== -1; line += 1) {
          const lineEnd = data.indexOf(0x0a, end);
          end = lineEnd === -1 ? -1 : lineEnd + 1;
        }
        if (end === -1) {
          // Fewer lines than records: not what a sink writes. Index nothing of this batch.
          this.#records = [];
          this.#hash = undefined;
          return;
        }
      }
      this.#hash?.update(data.subarray(position, end));
      this.#length += end - position;
      for (let index = taken; index < taken + take; index += 1) this.#records.push(records[index] as UsageRecord);
      taken += take;
      position = end;
      if (this.#records.length >= INDEX_SEGMENT_RECORDS) this.#emit();
    }
  }

  /** Resolves once the index writes under way have ended (the segment being gathered waits). Never rejects. */
  settled(): Promise<void> {
    return this.#written;
  }

  /** Writes the segment being gathered, then resolves once every index write ended. Never rejects. */
  close(): Promise<void> {
    this.#emit();
    return this.#written;
  }

  /** Encodes the records gathered into a segment and queues its write. */
  #emit(): void {
    const records = this.#records;
    const hash = this.#hash;
    this.#records = [];
    this.#hash = undefined;
    if (records.length < MIN_SEGMENT_RECORDS || hash === undefined) return;
    const segment = encodeLedgerIndexSegment(records, this.#offset, this.#length, hash.digest());
    // A ledger this writer started from empty makes any older index stale: start the index anew.
    const replace = !this.#started && this.#ledgerWasEmpty === true;
    this.#started = true;
    this.#written = this.#written.then(async () => {
      if (this.#failed) return;
      try {
        await (replace ? writeFile(this.path, segment) : appendFile(this.path, segment));
      } catch {
        this.#failed = true;
      }
    });
  }
}
