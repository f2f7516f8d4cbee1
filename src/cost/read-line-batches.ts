import { createReadStream } from 'node:fs';

/**
 * Reads a text file as batches of lines (one batch per 1 MiB chunk read), without their line
 * ends (`\n` or `\r\n`). A last line without a line end is yielded too. Much faster than
 * `readline` on large ledgers: one `await` per chunk instead of one event per line.
 * @throws when the file cannot be read (missing, a directory, no permission).
 */
export async function* readLineBatches(path: string): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>) {
    const text = rest === '' ? chunk : rest + chunk;
    const lines: string[] = [];
    let start = 0;
    let end = text.indexOf('\n');
    while (end !== -1) {
      lines.push(text.charCodeAt(end - 1) === 13 && end > start ? text.slice(start, end - 1) : text.slice(start, end));
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    rest = text.slice(start);
    if (lines.length > 0) yield lines;
  }
  if (rest !== '') yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}
