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

const FORMAT_VERSION = 1;
/** Bytes of a segment header: marker, body length, format version, body digest. */
export const HEADER_BYTES = 32;
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

/** What a segment's head says: where the segment is in the index file, and where its lines are in the ledger. */
export interface LedgerIndexEntry {
  /** Byte offset of the segment in the index file. */
  readonly indexOffset: number;
  /** Bytes of its body (after its 32-byte header). */
  readonly bodyLength: number;
  /** The first 16 bytes of the body's SHA-256. */
  readonly bodyDigest: Buffer;
  /** Byte offset of the segment's first line in the ledger. */
  readonly ledgerOffset: number;
  /** Bytes of its lines, the last line end included. */
  readonly ledgerLength: number;
  /** SHA-256 of those bytes. */
  readonly ledgerDigest: Buffer;
  /** Records, one per line. */
  readonly count: number;
}

/** A segment whose body was read and checked: its entry, and its records. */
export interface LedgerIndexSegment extends LedgerIndexEntry {
  /**
   * The records in columns (copied out of the body; the texts are parsed on this call).
   * @throws when the segment's parts do not fit together (a hand-made or foreign index).
   */
  columns(): LedgerColumns;
}

/** Bytes of a segment's head: its header and the fixed start of its body, all {@link readLedgerIndexEntry} needs. */
export const SEGMENT_HEAD_BYTES = HEADER_BYTES + FIXED_BODY_BYTES;

/** The marker every segment starts with. */
export const SEGMENT_MARKER: Buffer = Buffer.from('LLMOIDX1', 'latin1');

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
  SEGMENT_MARKER.copy(segment, 0);
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
 * Reads a segment's head ({@link SEGMENT_HEAD_BYTES} found at `indexOffset` of the index file);
 * undefined when it is no segment of this format (no marker, another version, impossible sizes).
 */
export function readLedgerIndexEntry(head: Buffer, indexOffset: number): LedgerIndexEntry | undefined {
  if (head.length < SEGMENT_HEAD_BYTES || !head.subarray(0, SEGMENT_MARKER.length).equals(SEGMENT_MARKER)) return undefined;
  if (head.readUInt32LE(12) !== FORMAT_VERSION) return undefined;
  const bodyLength = head.readUInt32LE(8);
  const ledgerOffset = head.readDoubleLE(HEADER_BYTES);
  const ledgerLength = head.readDoubleLE(HEADER_BYTES + 8);
  // The head fixes the body's exact length: one that says otherwise is damaged (and must not
  // make a reader allocate whatever it claims).
  const count = head.readUInt32LE(HEADER_BYTES + 16);
  const expected = FIXED_BODY_BYTES + head.readUInt32LE(HEADER_BYTES + 20) + head.readUInt32LE(HEADER_BYTES + 24) + roundUp8(TEXT_COLUMNS.length * count * 4) + NUMBER_COLUMNS.length * count * 8;
  if (bodyLength !== expected) return undefined;
  if (!(Number.isSafeInteger(ledgerOffset) && ledgerOffset >= 0 && Number.isSafeInteger(ledgerLength) && ledgerLength > 0)) return undefined;
  return {
    indexOffset,
    bodyLength,
    bodyDigest: Buffer.from(head.subarray(16, 32)),
    ledgerOffset,
    ledgerLength,
    ledgerDigest: Buffer.from(head.subarray(HEADER_BYTES + 32, HEADER_BYTES + 64)),
    count,
  };
}

/**
 * The segment of an entry from its body bytes (`bodyLength` of them, read after the header);
 * undefined when the body does not hash as its header says or its parts do not add up.
 */
export function ledgerIndexSegment(entry: LedgerIndexEntry, body: Buffer): LedgerIndexSegment | undefined {
  if (body.length !== entry.bodyLength || !bodyDigest(body, 0, body.length).equals(entry.bodyDigest)) return undefined;
  const { count } = entry;
  const stringsBytes = body.readUInt32LE(20);
  const timestampsBytes = body.readUInt32LE(24);
  const textsStart = FIXED_BODY_BYTES + stringsBytes + timestampsBytes;
  const numbersStart = textsStart + roundUp8(TEXT_COLUMNS.length * count * 4);
  if (numbersStart + NUMBER_COLUMNS.length * count * 8 !== body.length) return undefined;
  return {
    ...entry,
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
