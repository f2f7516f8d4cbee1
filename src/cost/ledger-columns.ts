import type { ErrorKind } from '../errors/error-kind.js';
import type { AttemptStatus } from '../spec/chat-response.js';
import type { UsageRecord, UsageSource } from './usage-record.js';

/** Columns kept as indexes into the segment's strings (-1: `null`, only for `error_kind`). */
export const TEXT_COLUMNS = ['session_id', 'request_id', 'provider', 'model', 'status', 'error_kind', 'metadata', 'usage_source', 'price_source'] as const;
/** A ledger column kept as an index into a segment's strings. */
export type TextColumn = (typeof TEXT_COLUMNS)[number];
/** Columns kept as numbers (`NaN`: `null`, only for `cost_usd`). */
export const NUMBER_COLUMNS = [
  'attempt',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
  'latency_ms',
] as const;
/** A ledger column kept as a number. */
export type NumberColumn = (typeof NUMBER_COLUMNS)[number];

/** Each text column's place among {@link TEXT_COLUMNS}. */
const TEXT_COLUMN_POSITION = Object.fromEntries(TEXT_COLUMNS.map((column, position) => [column, position])) as Record<TextColumn, number>;
/** Each number column's place among {@link NUMBER_COLUMNS}. */
const NUMBER_COLUMN_POSITION = Object.fromEntries(NUMBER_COLUMNS.map((column, position) => [column, position])) as Record<NumberColumn, number>;

/**
 * A run of records in columns, as a segment holds them: what `JSON.parse` of each line gives,
 * without an object per record until `records()` is called.
 */
export class LedgerColumns {
  /** Records in the run. */
  readonly count: number;
  /** Every distinct text of the records but timestamps (metadata as its JSON text). */
  readonly strings: readonly string[];
  readonly #timestampsJson: string;
  /** `TEXT_COLUMNS.length` columns of `count` indexes into `strings`, one after the other. */
  readonly #texts: Int32Array;
  /** `NUMBER_COLUMNS.length` columns of `count` numbers, one after the other. */
  readonly #numbers: Float64Array;
  #metadata: Map<number, Record<string, string>> | undefined;

  /**
   * @throws Error when the parts do not fit together (texts that are not strings, an index
   * out of range, timestamps that do not match the count): a hand-made or foreign index.
   */
  constructor(count: number, strings: unknown, timestampsJson: string, texts: Int32Array, numbers: Float64Array) {
    if (!Array.isArray(strings) || !strings.every((text) => typeof text === 'string')) throw new Error('ledger index segment has texts that are not strings');
    for (let index = 0; index < texts.length; index += 1) {
      const text = texts[index] as number;
      // Only error_kind (the sixth text column) may be -1 (null).
      if (text >= strings.length || (text < 0 && !(text === -1 && Math.floor(index / count) === TEXT_COLUMN_POSITION.error_kind))) {
        throw new Error('ledger index segment refers to a text it does not hold');
      }
    }
    this.count = count;
    this.strings = strings as string[];
    this.#timestampsJson = timestampsJson;
    this.#texts = texts;
    this.#numbers = numbers;
    const timestamps = this.timestamps();
    if (!timestamps.every((timestamp) => typeof timestamp === 'string')) throw new Error('ledger index segment has timestamps that are not strings');
  }

  /** The timestamps, parsed anew on each call (a million short strings are cheap to drop). */
  timestamps(): string[] {
    const timestamps = JSON.parse(this.#timestampsJson) as unknown;
    if (!Array.isArray(timestamps) || timestamps.length !== this.count) throw new Error('ledger index segment does not match its record count');
    return timestamps as string[];
  }

  /** A text column as a whole: `count` indexes into `strings`. */
  textColumn(column: TextColumn): Int32Array {
    const start = TEXT_COLUMN_POSITION[column] * this.count;
    return this.#texts.subarray(start, start + this.count);
  }

  /** A number column as a whole. */
  numberColumn(column: NumberColumn): Float64Array {
    const start = NUMBER_COLUMN_POSITION[column] * this.count;
    return this.#numbers.subarray(start, start + this.count);
  }

  /** The metadata object of `strings[number]`, parsed once and frozen (records of a call share it). */
  metadata(number: number): Record<string, string> {
    this.#metadata ??= new Map();
    let metadata = this.#metadata.get(number);
    if (metadata === undefined) {
      metadata = Object.freeze(JSON.parse(this.strings[number] as string) as Record<string, string>);
      this.#metadata.set(number, metadata);
    }
    return metadata;
  }

  /** Builds the records, in line order, keys in ledger column order, as a line parses to. */
  records(): UsageRecord[] {
    const { count, strings } = this;
    const timestamps = this.timestamps();
    const texts = this.#texts;
    const numbers = this.#numbers;
    const records = new Array<UsageRecord>(count);
    for (let index = 0; index < count; index += 1) {
      const errorKind = texts[5 * count + index] as number;
      const cost = numbers[7 * count + index] as number;
      records[index] = {
        timestamp: timestamps[index] as string,
        session_id: strings[texts[index] as number] as string,
        request_id: strings[texts[count + index] as number] as string,
        attempt: numbers[index] as number,
        provider: strings[texts[2 * count + index] as number] as string,
        model: strings[texts[3 * count + index] as number] as string,
        status: strings[texts[4 * count + index] as number] as AttemptStatus,
        input_tokens: numbers[count + index] as number,
        output_tokens: numbers[2 * count + index] as number,
        total_tokens: numbers[3 * count + index] as number,
        cache_read_tokens: numbers[4 * count + index] as number,
        cache_write_tokens: numbers[5 * count + index] as number,
        reasoning_tokens: numbers[6 * count + index] as number,
        cost_usd: Number.isNaN(cost) ? null : cost,
        latency_ms: numbers[8 * count + index] as number,
        error_kind: errorKind === -1 ? null : (strings[errorKind] as ErrorKind),
        metadata: this.metadata(texts[6 * count + index] as number),
        usage_source: strings[texts[7 * count + index] as number] as UsageSource,
        price_source: strings[texts[8 * count + index] as number] as string,
      };
    }
    return records;
  }
}
