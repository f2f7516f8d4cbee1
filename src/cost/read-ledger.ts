import { webcrypto } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import type { LedgerColumns } from './ledger-columns.js';
import {
  HEADER_BYTES,
  type LedgerIndexEntry,
  ledgerIndexPath,
  type LedgerIndexSegment,
  ledgerIndexSegment,
  MIN_SEGMENT_RECORDS,
  readLedgerIndexEntry,
  SEGMENT_HEAD_BYTES,
  SEGMENT_MARKER,
} from './ledger-index-format.js';
import { readTextRange } from './read-text-range.js';

/** A piece of a ledger, in file order: lines to parse, or the records of lines its index covers. */
export type LedgerPiece = { text: string } | { columns: LedgerColumns };

/**
 * Reads a JSONL ledger in file order, taking the records of each run of lines its index
 * (`<path>.idx`, see `ledger-index-format.ts`) covers from the index instead of parsing them:
 * only once the run's bytes hash to the SHA-256 the index holds and the run starts a line, so
 * the records are exactly what parsing the lines would give. Everything else (no index, an old
 * or damaged one, lines written after it or by another writer) comes as text blocks of whole
 * lines, as `readTextRange` gives them.
 * @throws when the ledger cannot be read (missing, a directory, no permission); a missing or
 * unreadable index only means parsing everything.
 */
export async function* readLedger(path: string): AsyncGenerator<LedgerPiece> {
  const entries = await readIndexEntries(ledgerIndexPath(path));
  const file = await open(path, 'r');
  const index = entries.length > 0 ? await openIfPossible(ledgerIndexPath(path)) : undefined;
  try {
    const { size } = await file.stat();
    const candidates = index === undefined ? [] : entries.filter((entry) => entry.ledgerOffset + entry.ledgerLength <= size);
    // Segments are read and checked a few ahead: the reads and the lines' hashes run on libuv's
    // threads while this thread takes the records of the segment before. Only these few bodies and
    // their lines are in memory at a time, whatever the size of the index.
    const checks: Promise<LedgerIndexSegment | undefined>[] = [];
    let position = 0;
    for (let at = 0; at < candidates.length; at += 1) {
      for (let ahead = checks.length; ahead < Math.min(at + CHECKS_AHEAD, candidates.length); ahead += 1) {
        checks.push(readCovering(file, index as FileHandle, candidates[ahead] as LedgerIndexEntry));
      }
      const segment = await (checks[at] as Promise<LedgerIndexSegment | undefined>);
      checks[at] = NOTHING;
      if (segment === undefined || segment.ledgerOffset < position) continue;
      let columns: LedgerColumns;
      try {
        columns = segment.columns();
      } catch {
        // A segment whose parts do not fit together is no index: its lines are parsed.
        continue;
      }
      if (segment.ledgerOffset > position) for await (const text of readTextRange(file, position, segment.ledgerOffset)) yield { text };
      yield { columns };
      position = segment.ledgerOffset + segment.ledgerLength;
    }
    for await (const text of readTextRange(file, position, size)) yield { text };
  } finally {
    await Promise.allSettled([file.close(), index?.close()]);
  }
}

/** Segments whose lines are read and hashed ahead of the one being taken. */
const CHECKS_AHEAD = 4;

/** A check already taken, so its segment can be collected. */
const NOTHING: Promise<undefined> = Promise.resolve(undefined);

/** Bytes scanned at a time for a segment marker after a damaged segment. */
const SCAN_BYTES = 1 << 20;

async function openIfPossible(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch {
    return undefined;
  }
}

/**
 * The index's segment entries (heads only, read piece by piece), sorted by ledger offset; none
 * when there is no index or it cannot be read. Entries of runs shorter than
 * `MIN_SEGMENT_RECORDS` are passed over. Where a head was expected but none is (after a torn or
 * damaged segment), the file is scanned for the next segment marker from just after the last
 * good head, so a torn segment cannot hide the segments written after it.
 */
async function readIndexEntries(indexPath: string): Promise<LedgerIndexEntry[]> {
  const index = await openIfPossible(indexPath);
  if (index === undefined) return [];
  const entries: LedgerIndexEntry[] = [];
  try {
    const { size } = await index.stat();
    const head = Buffer.alloc(SEGMENT_HEAD_BYTES);
    const scanner = markerScanner(index, size);
    // Where a head is expected, and where the next scan for a marker starts (it only grows).
    let position = 0;
    let scanFrom = 1;
    for (;;) {
      const bytes = position + SEGMENT_HEAD_BYTES <= size ? (scanner.cached(position, SEGMENT_HEAD_BYTES) ?? (await index.read(head, 0, SEGMENT_HEAD_BYTES, position), head)) : undefined;
      const entry = bytes === undefined ? undefined : readLedgerIndexEntry(bytes, position);
      const end = entry === undefined ? -1 : position + HEADER_BYTES + entry.bodyLength;
      if (entry !== undefined && end <= size) {
        if (entry.count >= MIN_SEGMENT_RECORDS) entries.push(entry);
        scanFrom = Math.max(scanFrom, position + 1);
        position = end;
        continue;
      }
      // No segment where one was expected: a torn one before it may claim bytes that hold the
      // next segments, so look again from just after the last good head.
      const marker = await scanner.find(scanFrom);
      if (marker === -1) break;
      scanFrom = marker + 1;
      position = marker;
    }
  } catch {
    // An index that cannot be read to its end gives what was read: the rest is parsed.
  } finally {
    await index.close();
  }
  return entries.sort((left, right) => left.ledgerOffset - right.ledgerOffset);
}

/**
 * Finds segment markers through one window of {@link SCAN_BYTES} of the index, kept between
 * searches: a search that starts inside the window reads nothing again, so however many markers
 * the file holds, each byte is read about once.
 */
function markerScanner(index: FileHandle, size: number): { find(from: number): Promise<number>; cached(position: number, length: number): Buffer | undefined } {
  let window: Buffer | undefined;
  let windowStart = 0;
  let windowLength = 0;
  const load = async (from: number): Promise<void> => {
    window ??= Buffer.allocUnsafe(SCAN_BYTES);
    windowStart = from;
    windowLength = 0;
    windowLength = (await index.read(window, 0, Math.min(SCAN_BYTES, size - from), from)).bytesRead;
  };
  return {
    cached: (position, length) => (window !== undefined && position >= windowStart && position + length <= windowStart + windowLength ? window.subarray(position - windowStart, position - windowStart + length) : undefined),
    async find(from) {
      let start = from;
      while (start < size) {
        if (window === undefined || start < windowStart || start >= windowStart + windowLength) await load(start);
        const found = (window as Buffer).subarray(start - windowStart, windowLength).indexOf(SEGMENT_MARKER);
        if (found !== -1) return start + found;
        const windowEnd = windowStart + windowLength;
        if (windowLength === 0 || windowEnd >= size) return -1;
        // The next window overlaps by the marker's length less one, so a marker across two is still found.
        start = Math.max(start + 1, windowEnd - SEGMENT_MARKER.length + 1);
        await load(start);
      }
      return -1;
    },
  };
}

/**
 * The segment of an entry when its body hashes as its header says and the ledger holds its
 * lines where it says: they start a line, end with a line end, and hash to its digest. Never
 * rejects (checks run ahead and may be left unawaited; a read error shows again when the lines
 * are read as text).
 */
async function readCovering(file: FileHandle, index: FileHandle, entry: LedgerIndexEntry): Promise<LedgerIndexSegment | undefined> {
  try {
    const body = Buffer.allocUnsafe(entry.bodyLength);
    const bodyRead = await index.read(body, 0, body.length, entry.indexOffset + HEADER_BYTES);
    if (bodyRead.bytesRead !== body.length) return undefined;
    const segment = ledgerIndexSegment(entry, body);
    if (segment === undefined) return undefined;
    const before = entry.ledgerOffset > 0 ? 1 : 0;
    const bytes = Buffer.allocUnsafe(entry.ledgerLength + before);
    const { bytesRead } = await file.read(bytes, 0, bytes.length, entry.ledgerOffset - before);
    if (bytesRead !== bytes.length) return undefined;
    if ((before === 1 && bytes[0] !== 0x0a) || bytes[bytes.length - 1] !== 0x0a) return undefined;
    // Web Crypto's digest runs on libuv's thread pool, unlike `createHash`.
    const digest = await webcrypto.subtle.digest('SHA-256', bytes.subarray(before));
    return Buffer.from(digest).equals(entry.ledgerDigest) ? segment : undefined;
  } catch {
    return undefined;
  }
}
