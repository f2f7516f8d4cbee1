import { describe, expect, it } from 'vitest';
import { type ServerSentEvent, ServerSentEventReader } from '../../src/internal/server-sent-event-reader.js';

function body(...parts: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    pull(controller) {
      const part = parts.shift();
      if (part === undefined) controller.close();
      else controller.enqueue(typeof part === 'string' ? encoder.encode(part) : part);
    },
  });
}

/** Every event of `stream`, read to its end. */
async function read(stream: ReadableStream<Uint8Array>) {
  const events: ServerSentEvent[] = [];
  const reader = new ServerSentEventReader(stream);
  try {
    for (let batch = await reader.read(); batch !== undefined; batch = await reader.read()) events.push(...batch);
  } finally {
    reader.close();
  }
  return events;
}

/**
 * The WHATWG rules written as plainly as possible (whole text at once, lines split on CRLF, CR
 * or LF), for comparison. Only `data` and `event` fields count; an unterminated last event is dropped.
 */
function referenceEvents(text: string): ServerSentEvent[] {
  const lines = text.split(/\r\n|\r|\n/);
  // The piece after the last line end is not a line yet.
  lines.pop();
  const events: ServerSentEvent[] = [];
  let data: string | undefined;
  let name: string | undefined;
  for (const line of lines) {
    if (line === '') {
      if (data !== undefined) events.push(name === undefined ? { data } : { event: name, data });
      data = undefined;
      name = undefined;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
    else if (field === 'event') name = value;
  }
  return events;
}

/** A small deterministic generator (the same texts on every run). */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('ServerSentEventReader: the WHATWG parsing rules', () => {
  it('reads what the plain reference reads, for random texts cut into random chunks', async () => {
    const random = randomSource(8);
    const pieces = ['data', 'event', 'id', ':', ': ', ' ', 'x', '{"a":1}', 'é', '\n', '\n', '\r', '\r\n', '\n\n', '\r\n\r\n'];
    for (let run = 0; run < 300; run += 1) {
      let text = '';
      const count = 1 + Math.floor(random() * 40);
      for (let index = 0; index < count; index += 1) text += pieces[Math.floor(random() * pieces.length)];
      // Ends with a blank line half the time, so the last event is sometimes complete.
      if (random() < 0.5) text += '\n\n';
      const chunks: string[] = [];
      for (let start = 0; start < text.length; ) {
        const size = 1 + Math.floor(random() * 6);
        chunks.push(text.slice(start, start + size));
        start += size;
      }
      expect({ text, events: await read(body(...chunks)) }).toEqual({ text, events: referenceEvents(text) });
    }
  });


  it('reads LF, CRLF and CR line ends, split anywhere, including a CRLF split across chunks', async () => {
    const events = await read(body('data: {"a"', ':1}\r', '\n\r\ndata: two\r\rdata:three\n', '\n'));
    expect(events).toEqual([{ data: '{"a":1}' }, { data: 'two' }, { data: 'three' }]);
  });

  it('joins multi-line data, keeps the event name, skips comments and empty events', async () => {
    const events = await read(body(': keep-alive\n\nevent: error\ndata: first\ndata:  second\nid: 3\n\n\n'));
    expect(events).toEqual([{ event: 'error', data: 'first\n second' }]);
  });

  it('decodes a UTF-8 character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: \u2014ok\n\n');
    const events = await read(body(bytes.slice(0, 7), bytes.slice(7)));
    expect(events).toEqual([{ data: '\u2014ok' }]);
  });

  it('drops an event cut off by the end of the body', async () => {
    expect(await read(body('data: [DONE]\n\ndata: half'))).toEqual([{ data: '[DONE]' }]);
  });

  it('throws the body’s own read error', async () => {
    const failure = new TypeError('terminated');
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(failure);
      },
    });
    await expect(read(stream)).rejects.toBe(failure);
  });

  it('cancels the body when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const reader = new ServerSentEventReader(stream);
    expect(await reader.read()).toEqual([{ data: '1' }]);
    reader.close();
    expect(cancelled).toBe(true);
  });
});
