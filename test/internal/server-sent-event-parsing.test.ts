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

describe('ServerSentEventReader: the WHATWG parsing rules', () => {
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
