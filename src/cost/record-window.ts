import type { UsageRecord } from './usage-record.js';

/** The records held, oldest first, and beside each the number it was pushed with. */
export interface HeldRecords {
  records: UsageRecord[];
  /** `numbers[index]` came with `records[index]` (a request slot, for reports). */
  numbers: Int32Array;
}

/**
 * The records a tracker holds, oldest first: all of them, or with a `capacity` only the newest
 * `capacity` (a ring: adding one more evicts the oldest in constant time). Each record comes
 * with a number kept beside it in a typed array (the tracker's request slot).
 */
export class RecordWindow {
  readonly capacity: number;
  readonly #records: UsageRecord[] = [];
  #numbers = new Int32Array(1_024);
  /** Position of the oldest record once the ring is full. */
  #oldest = 0;

  /** @param capacity the most records held; `Infinity` for no limit. */
  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#records.length;
  }

  /** Adds a record (with its number); returns the one it evicted, if the window was full. */
  push(record: UsageRecord, number = 0): UsageRecord | undefined {
    const count = this.#records.length;
    if (count < this.capacity) {
      if (count === this.#numbers.length) {
        const larger = new Int32Array(Math.min(count * 2, this.capacity));
        larger.set(this.#numbers);
        this.#numbers = larger;
      }
      this.#records.push(record);
      this.#numbers[count] = number;
      return undefined;
    }
    const position = this.#oldest;
    const evicted = this.#records[position];
    this.#records[position] = record;
    this.#numbers[position] = number;
    this.#oldest = position + 1 === this.capacity ? 0 : position + 1;
    return evicted;
  }

  /** The records held, oldest first, in a new array. */
  toArray(): UsageRecord[] {
    if (this.#oldest === 0) return this.#records.slice();
    return this.#records.slice(this.#oldest).concat(this.#records.slice(0, this.#oldest));
  }

  /** The records held, oldest first, with their numbers (new arrays). */
  held(): HeldRecords {
    const count = this.#records.length;
    const numbers = new Int32Array(count);
    numbers.set(this.#numbers.subarray(this.#oldest, count));
    numbers.set(this.#numbers.subarray(0, this.#oldest), count - this.#oldest);
    return { records: this.toArray(), numbers };
  }

  /** The newest record held that matches, or undefined. */
  findNewest(predicate: (record: UsageRecord) => boolean): UsageRecord | undefined {
    const count = this.#records.length;
    for (let step = 1; step <= count; step += 1) {
      const record = this.#records[(this.#oldest - step + count) % count] as UsageRecord;
      if (predicate(record)) return record;
    }
    return undefined;
  }
}
