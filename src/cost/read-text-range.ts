import { isAscii } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';

/** Bytes read at a time by {@link readTextRange}. */
export const BLOCK_BYTES = 16 << 20;

/**
 * Reads the bytes `[start, end)` of an open file (to its end when `end` is `Infinity`) as
 * blocks of whole lines, as `readTextBlocks` describes.
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
