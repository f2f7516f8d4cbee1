/** One server-sent event: its `event` field (when sent) and its data lines joined by `\n`. */
export interface ServerSentEvent {
  event?: string;
  data: string;
}

/** The reason a body is cancelled with: one object, so an early stop builds no `DOMException`. */
const stoppedReading = new Error('the consumer stopped reading the event stream');

/**
 * Parses a `text/event-stream` body into events (WHATWG rules: `\n`, `\r\n` or `\r` line ends,
 * `:` comments, multi-line `data`). An event cut off by the body's end is dropped, as the
 * spec says. Errors while reading the body are thrown unchanged (they are transport failures);
 * stopping early cancels the body.
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let dataLines: string[] = [];
  let eventName: string | undefined;
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let lineEnd: number;
      while ((lineEnd = findLineEnd(buffer, done)) !== -1) {
        const line = buffer.slice(0, lineEnd);
        const separatorLength = buffer[lineEnd] === '\r' && buffer[lineEnd + 1] === '\n' ? 2 : 1;
        buffer = buffer.slice(lineEnd + separatorLength);
        if (line === '') {
          if (dataLines.length > 0) {
            yield eventName === undefined ? { data: dataLines.join('\n') } : { event: eventName, data: dataLines.join('\n') };
          }
          dataLines = [];
          eventName = undefined;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') dataLines.push(value);
        else if (field === 'event') eventName = value;
      }
      if (done) {
        finished = true;
        return;
      }
    }
  } finally {
    if (!finished) void reader.cancel(stoppedReading).catch(() => {});
    reader.releaseLock();
  }
}

/**
 * Index of the next line end in `buffer`, or -1. A trailing `\r` waits for the next chunk (it may
 * be the first half of `\r\n`) unless the body is done.
 */
function findLineEnd(buffer: string, bodyDone: boolean): number {
  for (let index = 0; index < buffer.length; index += 1) {
    const character = buffer[index];
    if (character === '\n') return index;
    if (character === '\r') return index + 1 < buffer.length || bodyDone ? index : -1;
  }
  return -1;
}
