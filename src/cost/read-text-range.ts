import { isAscii } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';

/** Bytes read at a time by {@link readTextRange}. */
const BLOCK_BYTES = 16 << 20;

/**
 * Reads the bytes `[start, end)` of an open file (to its end when `end` is `Infinity`) as
 * blocks of whole UTF-8 lines: each block but the last ends with `\n` (the last holds what
 * follows the last `\n`, if anything). Splitting on the byte 0x0A never cuts a multi-byte
 * character, so each block is decoded once, in one call: pure ASCII blocks (a ledger written by
 * this library) as Latin-1, the fastest decoding, others as UTF-8. A line longer than a block
 * grows the buffer. Much cheaper than `readline` or a stream on large ledgers: one `await` per
 * 16 MiB and no per-line event or array.
 * @throws when the file cannot be read.
 */
export async function* readTextRange(file: FileHandle, start: number, end: number, blockBytes: number = BLOCK_BYTES): AsyncGenerator<string> {
  let buffer = Buffer.allocUnsafe(Math.max(1, Math.min(blockBytes, end - start)));
  let kept = 0;
  let position = start;
  for (;;) {
    if (kept === buffer.length) {
      // One line fills the buffer: grow it rather than cut the line.
      const larger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(larger, 0, 0, kept);
      buffer = larger;
    }
    const wanted = Math.min(buffer.length - kept, end - position);
    const { bytesRead } = wanted > 0 ? await file.read(buffer, kept, wanted, position) : { bytesRead: 0 };
    position += bytesRead;
    const filled = kept + bytesRead;
    if (bytesRead === 0) {
      if (filled > 0) yield decode(buffer, filled);
      return;
    }
    const lineEnd = buffer.lastIndexOf(0x0a, filled - 1) + 1;
    if (lineEnd > 0) yield decode(buffer, lineEnd);
    buffer.copy(buffer, 0, lineEnd, filled);
    kept = filled - lineEnd;
  }
}

function decode(buffer: Buffer, end: number): string {
  return buffer.toString(isAscii(buffer.subarray(0, end)) ? 'latin1' : 'utf8', 0, end);
}
