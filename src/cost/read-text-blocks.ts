import { isAscii } from 'node:buffer';
import { open } from 'node:fs/promises';

/** Bytes read at a time by {@link readTextBlocks}. */
const BLOCK_BYTES = 16 << 20;

/**
 * Reads a UTF-8 text file as blocks of whole lines: each block but the last ends with `\n`
 * (the last holds what follows the last `\n`, if anything). Splitting on the byte 0x0A never
 * cuts a multi-byte character, so each block is decoded once, in one call: pure ASCII blocks
 * (a ledger written by this library) as Latin-1, the fastest decoding, others as UTF-8. A line
 * longer than a block grows the buffer. Much cheaper than `readline` or a stream on large
 * ledgers: one `await` per 16 MiB and no per-line event or array.
 * @throws when the file cannot be read (missing, a directory, no permission).
 */
export async function* readTextBlocks(path: string, blockBytes: number = BLOCK_BYTES): AsyncGenerator<string> {
  const file = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(blockBytes);
    let kept = 0;
    for (;;) {
      if (kept === buffer.length) {
        // One line fills the buffer: grow it rather than cut the line.
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, kept);
        buffer = larger;
      }
      const { bytesRead } = await file.read(buffer, kept, buffer.length - kept, null);
      const filled = kept + bytesRead;
      if (bytesRead === 0) {
        if (filled > 0) yield decode(buffer, filled);
        return;
      }
      const end = buffer.lastIndexOf(0x0a, filled - 1) + 1;
      if (end > 0) yield decode(buffer, end);
      buffer.copy(buffer, 0, end, filled);
      kept = filled - end;
    }
  } finally {
    await file.close();
  }
}

function decode(buffer: Buffer, end: number): string {
  return buffer.toString(isAscii(buffer.subarray(0, end)) ? 'latin1' : 'utf8', 0, end);
}
