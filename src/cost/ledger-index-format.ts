import { createHash } from 'node:crypto';
import { LedgerColumns, NUMBER_COLUMNS, TEXT_COLUMNS } from './ledger-columns.js';
import type { UsageRecord } from './usage-record.js';

/*
 * The ledger index (`<ledger>.idx`) is a series of segments. Each describes a run of whole
 * lines of the ledger, by byte offset, length and SHA-256, and holds the same records in
 * columns: the records can be rebuilt without parsing the JSON, once the lines' hash matches.
 *
 * Segment (little-endian): header of 32 bytes: magic `LLMOIDX1`, body length (u32), format
 * version (u32), the first 16 bytes of the body's SHA-256. Body: ledger offset (f64), ledger
 * length (f64), record count (u32), bytes of the strings JSON (u32), bytes of the timestamps
 * JSON (u32), 4 spare bytes, the lines' SHA-256 (32 bytes); the strings JSON array (every
 * distinct text of the segment but timestamps) and the timestamps JSON array, each padded with
 * spaces to a multiple of 8 bytes; 9 Int32 columns of indexes into the strings (padded to 8
 * bytes); 9 Float64 columns. Texts go through JSON so every string, lone surrogates included,
 * comes back exactly as `JSON.parse` of the line gives it.
 */

const MAGIC = Buffer.from('LLMOIDX1', 'latin1');
const FORMAT_VERSION = 1;
const HEADER_BYTES = 32;
const FIXED_BODY_BYTES = 64;
const BODY_DIGEST_BYTES = 16;

/**
 * The fewest records a segment is written with and used with: checking a segment costs a read
 * and a hash, which pays off against parsing only for runs of some length. Shorter runs (a
 * script that records a few calls and closes) are parsed.
 */
export const MIN_SEGMENT_RECORDS = 64;

/** The index file of a JSONL ledger: the ledger's path with `.idx` appended. */
export function ledgerIndexPath(ledgerPath: string): string {
  return `${ledgerPath}.idx`;
}

/** One segment read from an index: where its lines are in the ledger, and its records. */
export interface LedgerIndexSegment {
  /** Byte offset of the segment's first line in the ledger. */
  readonly ledgerOffset: number;
  /** Bytes of its lines, the last line end included. */
  readonly ledgerLength: number;
  /** SHA-256 of those bytes. */
  readonly ledgerDigest: Buffer;
  /** Records, one per line. */
  readonly count: number;
  /**
   * The records in columns (copied out of the index's bytes; the texts are parsed on this call).
   * @throws when the segment's parts do not fit together (a hand-made or foreign index).
   */
  columns(): LedgerColumns;
}

/**
 * Encodes records whose lines (`toJsonLine` of each, with a line end) were written to the
 * ledger at `ledgerOffset`, `ledgerLength` bytes with SHA-256 `ledgerDigest`. Only records with
 * exactly the ledger columns, in order, of their types (see `isLedgerRecord`) may be given.
 */
export function encodeLedgerIndexSegment(records: readonly UsageRecord[], ledgerOffset: number, ledgerLength: number, ledgerDigest: Buffer): Buffer {
  const count = records.length;
  const strings: string[] = [];
  const stringNumbers = new Map<string, number>();
  // Per text column, its last value and that value's number: neighbouring records mostly share
  // their session, provider, model, status and sources, so most skip the map.
  const lastTexts = new Array<string | undefined>(TEXT_COLUMNS.length).fill(undefined);
  const lastNumbers = new Int32Array(TEXT_COLUMNS.length);
  const numberOf = (column: number, text: string): number => {
    if (text === lastTexts[column]) return lastNumbers[column] as number;
    let number = stringNumbers.get(text);
    if (number === undefined) {
      number = strings.length;
      strings.push(text);
      stringNumbers.set(text, number);
    }
    lastTexts[column] = text;
    lastNumbers[column] = number;
    return number;
  };
  // Request ids are nearly all distinct, and a call's attempts come one after another: they skip
  // the map (an id that comes back later is stored again, which reads back the same).
  let lastRequestId: string | undefined;
  let lastRequestNumber = -1;
  const timestamps = new Array<string>(count);
  const texts = new Int32Array(TEXT_COLUMNS.length * count);
  const numbers = new Float64Array(NUMBER_COLUMNS.length * count);
  let lastMetadata: Record<string, string> | undefined;
  let lastMetadataNumber = -1;
  for (let index = 0; index < count; index += 1) {
    const record = records[index] as UsageRecord;
    timestamps[index] = record.timestamp;
    texts[index] = numberOf(0, record.session_id);
    if (record.request_id !== lastRequestId) {
      lastRequestId = record.request_id;
      lastRequestNumber = strings.length;
      strings.push(lastRequestId);
    }
    texts[count + index] = lastRequestNumber;
    texts[2 * count + index] = numberOf(2, record.provider);
    texts[3 * count + index] = numberOf(3, record.model);
    texts[4 * count + index] = numberOf(4, record.status);
    texts[5 * count + index] = record.error_kind === null ? -1 : numberOf(5, record.error_kind);
    // Consecutive records of one call share their metadata object: stringify it once.
    if (record.metadata !== lastMetadata) {
      lastMetadata = record.metadata;
      lastMetadataNumber = numberOf(6, JSON.stringify(record.metadata));
    }
    texts[6 * count + index] = lastMetadataNumber;
    texts[7 * count + index] = numberOf(7, record.usage_source);
    texts[8 * count + index] = numberOf(8, record.price_source);
    // `+ 0` turns -0 into 0, as JSON does.
    numbers[index] = record.attempt + 0;
    numbers[count + index] = record.input_tokens + 0;
    numbers[2 * count + index] = record.output_tokens + 0;
    numbers[3 * count + index] = record.total_tokens + 0;
    numbers[4 * count + index] = record.cache_read_tokens + 0;
    numbers[5 * count + index] = record.cache_write_tokens + 0;
    numbers[6 * count + index] = record.reasoning_tokens + 0;
    numbers[7 * count + index] = record.cost_usd === null ? Number.NaN : record.cost_usd + 0;
    numbers[8 * count + index] = record.latency_ms + 0;
  }
  const stringsJson = padded(JSON.stringify(strings));
  const timestampsJson = padded(JSON.stringify(timestamps));
  const textBytes = roundUp8(texts.byteLength);
  const bodyLength = FIXED_BODY_BYTES + stringsJson.length + timestampsJson.length + textBytes + numbers.byteLength;
  const segment = Buffer.alloc(HEADER_BYTES + bodyLength);
  MAGIC.copy(segment, 0);
  segment.writeUInt32LE(bodyLength, 8);
  segment.writeUInt32LE(FORMAT_VERSION, 12);
  let position = HEADER_BYTES;
  segment.writeDoubleLE(ledgerOffset, position);
  segment.writeDoubleLE(ledgerLength, position + 8);
  segment.writeUInt32LE(count, position + 16);
  segment.writeUInt32LE(stringsJson.length, position + 20);
  segment.writeUInt32LE(timestampsJson.length, position + 24);
  ledgerDigest.copy(segment, position + 32, 0, 32);
  position += FIXED_BODY_BYTES;
  position += stringsJson.copy(segment, position);
  position += timestampsJson.copy(segment, position);
  segment.set(new Uint8Array(texts.buffer, texts.byteOffset, texts.byteLength), position);
  position += textBytes;
  segment.set(new Uint8Array(numbers.buffer, numbers.byteOffset, numbers.byteLength), position);
  bodyDigest(segment, HEADER_BYTES, segment.length).copy(segment, 16);
  return segment;
}

/**
 * Reads the segments of an index file's content, in file order. A segment that is torn (a
 * crash while it was written), damaged, or of an unknown format version is left out, and
 * reading goes on at the next segment marker: its lines are then read from the ledger itself.
 */
export function decodeLedgerIndex(index: Buffer): LedgerIndexSegment[] {
  const segments: LedgerIndexSegment[] = [];
  let position = index.indexOf(MAGIC, 0);
  while (position !== -1 && position + HEADER_BYTES + FIXED_BODY_BYTES <= index.length) {
    const bodyLength = index.readUInt32LE(position + 8);
    const bodyStart = position + HEADER_BYTES;
    const bodyEnd = bodyStart + bodyLength;
    const framed = bodyEnd <= index.length && index.readUInt32LE(position + 12) === FORMAT_VERSION;
    // A short run is not worth hashing its body: it is passed over (its lines are parsed).
    if (framed && index.readUInt32LE(bodyStart + 16) < MIN_SEGMENT_RECORDS) {
      position = index.indexOf(MAGIC, bodyEnd);
      continue;
    }
    const segment = framed && bodyDigest(index, bodyStart, bodyEnd).equals(index.subarray(position + 16, position + 32)) ? readSegment(index.subarray(bodyStart, bodyEnd)) : undefined;
    if (segment) segments.push(segment);
    position = index.indexOf(MAGIC, segment ? bodyEnd : position + 1);
  }
  return segments;
}

/** A segment from its (checked) body, or undefined when its parts do not add up to its length. */
function readSegment(body: Buffer): LedgerIndexSegment | undefined {
  const ledgerOffset = body.readDoubleLE(0);
  const ledgerLength = body.readDoubleLE(8);
  const count = body.readUInt32LE(16);
  const stringsBytes = body.readUInt32LE(20);
  const timestampsBytes = body.readUInt32LE(24);
  const textsStart = FIXED_BODY_BYTES + stringsBytes + timestampsBytes;
  const numbersStart = textsStart + roundUp8(TEXT_COLUMNS.length * count * 4);
  if (numbersStart + NUMBER_COLUMNS.length * count * 8 !== body.length) return undefined;
  if (!(Number.isSafeInteger(ledgerOffset) && ledgerOffset >= 0 && Number.isSafeInteger(ledgerLength) && ledgerLength > 0)) return undefined;
  return {
    ledgerOffset,
    ledgerLength,
    ledgerDigest: Buffer.from(body.subarray(32, 64)),
    count,
    columns: () =>
      new LedgerColumns(
        count,
        JSON.parse(body.toString('utf8', FIXED_BODY_BYTES, FIXED_BODY_BYTES + stringsBytes)),
        body.toString('utf8', FIXED_BODY_BYTES + stringsBytes, textsStart),
        int32Copy(body, textsStart, TEXT_COLUMNS.length * count),
        float64Copy(body, numbersStart, NUMBER_COLUMNS.length * count),
      ),
  };
}

/**
 * The Int32 column bytes, copied: the columns must not keep the whole index file's buffer
 * (stale and unused segments included) alive for as long as the tracker holds the records.
 */
function int32Copy(body: Buffer, start: number, length: number): Int32Array {
  const copy = new Int32Array(length);
  new Uint8Array(copy.buffer).set(body.subarray(start, start + length * 4));
  return copy;
}

/** The Float64 column bytes, copied (see {@link int32Copy}). */
function float64Copy(body: Buffer, start: number, length: number): Float64Array {
  const copy = new Float64Array(length);
  new Uint8Array(copy.buffer).set(body.subarray(start, start + length * 8));
  return copy;
}

function bodyDigest(buffer: Buffer, start: number, end: number): Buffer {
  return createHash('sha256').update(buffer.subarray(start, end)).digest().subarray(0, BODY_DIGEST_BYTES);
}

/** UTF-8 bytes of the text, padded with spaces (which JSON ignores) to a multiple of 8. */
function padded(json: string): Buffer {
  const bytes = Buffer.from(json, 'utf8');
  const length = roundUp8(bytes.length);
  if (length === bytes.length) return bytes;
  const result = Buffer.alloc(length, 0x20);
  bytes.copy(result);
  return result;
}

function roundUp8(value: number): number {
  return Math.ceil(value / 8) * 8;
}
