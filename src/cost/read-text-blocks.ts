import { open } from 'node:fs/promises';
import { BLOCK_BYTES, readTextRange } from './read-text-range.js';

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
    yield* readTextRange(file, 0, Number.POSITIVE_INFINITY, blockBytes);
  } finally {
    await file.close();
  }
}
