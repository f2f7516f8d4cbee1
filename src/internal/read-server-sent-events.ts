import { ServerSentEventReader } from './server-sent-event-reader.js';

/** One server-sent event: its `event` field (when sent) and its data lines joined by `\n`. */
export interface ServerSentEvent {
  event?: string;
  data: string;
}

/**
 * Parses a `text/event-stream` body into events (WHATWG rules: `\n`, `\r\n` or `\r` line ends,
 * `:` comments, multi-line `data`). An event cut off by the body's end is dropped, as the
 * spec says. Errors while reading the body are thrown unchanged (they are transport failures);
 * stopping early cancels the body. Hot loops use {@link ServerSentEventReader} directly (one
 * `await` per network chunk rather than one generator step per event).
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = new ServerSentEventReader(body);
  try {
    for (;;) {
      const events = await reader.read();
      if (events === undefined) return;
      // Not `yield*`: delegating to an array from an async generator adds a promise per event.
      for (const event of events) yield event;
    }
  } finally {
    reader.close();
  }
}
