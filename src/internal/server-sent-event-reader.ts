/** One server-sent event: its `event` field (when sent) and its data lines joined by `\n`. */
export interface ServerSentEvent {
  event?: string;
  data: string;
}

/** The reason a body is cancelled with: one object, so an early stop builds no `DOMException`. */
const stoppedReading = new Error('the consumer stopped reading the event stream');

const lineFeed = 10;
const carriageReturn = 13;

/**
 * Reads a `text/event-stream` body one network chunk at a time and hands out the events each
 * chunk completes, as an array: one `await` per chunk instead of one async-generator step per
 * event, for the adapters' hot loops. Parsing follows the WHATWG rules (`\n`, `\r\n` or `\r`
 * line ends, `:` comments, multi-line `data`, an event cut off by the body's end dropped).
 * Errors while reading the body are thrown unchanged (transport failures). Call
 * {@link close} in `finally`: it cancels a body not read to its end.
 */
export class ServerSentEventReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  /** Text after the last complete line. */
  #rest = '';
  #data: string | undefined;
  #eventName: string | undefined;
  #finished = false;
  #closed = false;
  readonly #dispatchNamedWithoutData: boolean;

  /**
   * @param options.dispatchNamedWithoutData also hand out an event that has an `event:` name and
   *   no `data:` line (with `data: ''`), as Anthropic's SDK does; the WHATWG rules drop it.
   */
  constructor(body: ReadableStream<Uint8Array>, options: { dispatchNamedWithoutData?: boolean } = {}) {
    this.#reader = body.getReader();
    this.#dispatchNamedWithoutData = options.dispatchNamedWithoutData === true;
  }

  /**
   * The events completed by the next chunk of the body (possibly none), or `undefined` once the
   * body has ended or {@link close} was called.
   */
  async read(): Promise<ServerSentEvent[] | undefined> {
    if (this.#finished || this.#closed) return undefined;
    const { value, done } = await this.#reader.read();
    if (done) {
      this.#finished = true;
      const events = this.#parse(this.#rest + this.#decoder.decode(), true);
      return events.length > 0 ? events : undefined;
    }
    return this.#parse(this.#rest === '' ? this.#decoder.decode(value, { stream: true }) : this.#rest + this.#decoder.decode(value, { stream: true }), false);
  }

  /** Releases the body: cancels it (with one shared reason) when it was not read to its end. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#finished) void this.#reader.cancel(stoppedReading).catch(() => {});
    this.#reader.releaseLock();
  }

  #parse(buffer: string, bodyDone: boolean): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    const length = buffer.length;
    let position = 0;
    // Line ends found with `indexOf` (native, fast) rather than a loop over every character.
    // Each kind is looked for again only once the position passed the one found (-1: none
    // left), so a chunk is scanned about once for each, whichever ends its lines.
    let lineFeedAt = buffer.indexOf('\n');
    let carriageReturnAt = buffer.indexOf('\r');
    for (;;) {
      if (lineFeedAt !== -1 && lineFeedAt < position) lineFeedAt = buffer.indexOf('\n', position);
      if (carriageReturnAt !== -1 && carriageReturnAt < position) carriageReturnAt = buffer.indexOf('\r', position);
      let lineEnd = lineFeedAt === -1 ? length : lineFeedAt;
      if (carriageReturnAt !== -1 && carriageReturnAt < lineEnd) lineEnd = carriageReturnAt;
      if (lineEnd === length) break;
      const code = buffer.charCodeAt(lineEnd);
      let next = lineEnd + 1;
      if (code === carriageReturn) {
        // A trailing `\r` may be the first half of `\r\n`: wait for the next chunk, unless none comes.
        if (next === length && !bodyDone) break;
        if (buffer.charCodeAt(next) === lineFeed) next += 1;
      }
      this.#line(buffer, position, lineEnd, events);
      position = next;
    }
    this.#rest = position === 0 ? buffer : buffer.slice(position);
    return events;
  }

  /** Applies the line `buffer[start, end)`. */
  #line(buffer: string, start: number, end: number, events: ServerSentEvent[]): void {
    if (start === end) {
      if (this.#data !== undefined) events.push(this.#eventName === undefined ? { data: this.#data } : { event: this.#eventName, data: this.#data });
      else if (this.#dispatchNamedWithoutData && this.#eventName !== undefined) events.push({ event: this.#eventName, data: '' });
      this.#data = undefined;
      this.#eventName = undefined;
      return;
    }
    if (buffer.charCodeAt(start) === 58 /* : */) return;
    const colon = buffer.indexOf(':', start);
    const hasValue = colon !== -1 && colon < end;
    const fieldEnd = hasValue ? colon : end;
    let valueStart = hasValue ? colon + 1 : end;
    if (valueStart < end && buffer.charCodeAt(valueStart) === 32 /* space */) valueStart += 1;
    const fieldLength = fieldEnd - start;
    if (fieldLength === 4 && buffer.startsWith('data', start)) {
      const value = buffer.slice(valueStart, end);
      this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
    } else if (fieldLength === 5 && buffer.startsWith('event', start)) {
      this.#eventName = buffer.slice(valueStart, end);
    }
  }
}
