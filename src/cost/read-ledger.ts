import { webcrypto } from 'node:crypto';
import { type FileHandle, open, readFile } from 'node:fs/promises';
import type { LedgerColumns } from './ledger-columns.js';
import { decodeLedgerIndex, ledgerIndexPath, type LedgerIndexSegment } from './ledger-index-format.js';
import { readTextRange } from './read-text-range.js';

/** A piece of a ledger, in file order: lines to parse, or the records of lines its index covers. */
export type LedgerPiece = { text: string } | { columns: LedgerColumns };

/**
 * Reads a JSONL ledger in file order, taking the records of each run of lines its index
 * (`<path>.idx`, see `ledger-index-format.ts`) covers from the index instead of parsing them:
 * only once the run's bytes hash to the SHA-256 the index holds and the run starts a line, so
 * the records are exactly what parsing the lines would give. Everything else (no index, an old
 * or damaged one, lines written after it or by another writer) comes as text blocks of whole
 * lines, as `readTextBlocks` gives them.
 * @throws when the ledger cannot be read (missing, a directory, no permission); a missing or
 * unreadable index only means parsing everything.
 */
export async function* readLedger(path: string): AsyncGenerator<LedgerPiece> {
  const segments = await readIndexSegments(ledgerIndexPath(path));
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const candidates = segments.filter((segment) => segment.ledgerOffset + segment.ledgerLength <= size);
    // Segments are checked a few ahead: the reads and hashes run on libuv's threads while this
    // thread takes the records of the segment before.
    const checks: Promise<boolean>[] = [];
    let position = 0;
    for (let index = 0; index < candidates.length; index += 1) {
      for (let ahead = checks.length; ahead < Math.min(index + CHECKS_AHEAD, candidates.length); ahead += 1) {
        checks.push(covers(file, candidates[ahead] as LedgerIndexSegment));
      }
      const segment = candidates[index] as LedgerIndexSegment;
      const covered = await (checks[index] as Promise<boolean>);
      if (!covered || segment.ledgerOffset < position) continue;
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
    await file.close();
  }
}

/** Segments whose lines are read and hashed ahead of the one being taken. */
const CHECKS_AHEAD = 4;

/** The index's segments in ledger order; none when there is no index or it cannot be read. */
async function readIndexSegments(indexPath: string): Promise<LedgerIndexSegment[]> {
  let index: Buffer;
  try {
    index = await readFile(indexPath);
  } catch {
    return [];
  }
  return decodeLedgerIndex(index).sort((left, right) => left.ledgerOffset - right.ledgerOffset);
}

/**
 * True when the ledger holds the segment's lines where it says: they start a line, end with a
 * line end, and hash to its digest. Never rejects.
 */
async function covers(file: FileHandle, segment: LedgerIndexSegment): Promise<boolean> {
  try {
    const before = segment.ledgerOffset > 0 ? 1 : 0;
    const bytes = Buffer.allocUnsafe(segment.ledgerLength + before);
    const { bytesRead } = await file.read(bytes, 0, bytes.length, segment.ledgerOffset - before);
    if (bytesRead !== bytes.length) return false;
    if ((before === 1 && bytes[0] !== 0x0a) || bytes[bytes.length - 1] !== 0x0a) return false;
    // Web Crypto's digest runs on libuv's thread pool, unlike `createHash`.
    const digest = await webcrypto.subtle.digest('SHA-256', bytes.subarray(before));
    return Buffer.from(digest).equals(segment.ledgerDigest);
  } catch {
    // Checks run ahead and may be left unawaited: never reject. A read error shows again
    // when the lines are read as text.
    return false;
  }
}
