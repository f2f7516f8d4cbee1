import { describe, expect, it } from 'vitest';
import { ServerSentEventReader } from '../../src/internal/server-sent-event-reader.js';

function body(...parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    pull(controller) {
      const part = parts.shift();
      if (part === undefined) controller.close();
      else controller.enqueue(encoder.encode(part));
    },
  });
}

/** Every batch `read()` returns, up to the body's end. */
async function batches(stream: ReadableStream<Uint8Array>) {
  const reader = new ServerSentEventReader(stream);
  const all = [];
  try {
    for (let batch = await reader.read(); batch !== undefined; batch = await reader.read()) all.push(batch);
  } finally {
    reader.close();
  }
  return all;
}

describe('ServerSentEventReader', () => {
  it('hands out the events of each chunk as one batch (none for a chunk that completes none)', async () => {
    const result = await batches(body('event: a\ndata: 1\n\nevent: b\ndata: 2\n\ndata: 3', '\n', '\n'));
    expect(result).toEqual([[{ event: 'a', data: '1' }, { event: 'b', data: '2' }], [], [{ data: '3' }]]);
  });

  it('keeps a trailing CR pending until the next chunk, and accepts it at the body end', async () => {
    expect(await batches(body('data: x\r', '\r'))).toEqual([[], [], [{ data: 'x' }]]);
    expect(await batches(body('data: y\r\r'))).toEqual([[], [{ data: 'y' }]]);
  });

  it('treats a field without a colon as an empty value, and ignores unknown fields and values without a space', async () => {
    const result = await batches(body('data\nretry: 5\ndata:no-space\nevent:named\n\n'));
    expect(result).toEqual([[{ event: 'named', data: '\nno-space' }]]);
  });

  it('returns undefined on every read after the end, and close() does not cancel a finished body', async () => {
    let cancelled = false;
    const encoder = new TextEncoder();
    const parts = ['data: 1\n\n'];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const part = parts.shift();
        if (part === undefined) controller.close();
        else controller.enqueue(encoder.encode(part));
      },
      cancel() {
        cancelled = true;
      },
    });
    const reader = new ServerSentEventReader(stream);
    expect(await reader.read()).toEqual([{ data: '1' }]);
    expect(await reader.read()).toBeUndefined();
    expect(await reader.read()).toBeUndefined();
    reader.close();
    reader.close();
    expect(cancelled).toBe(false);
  });

  it('cancels an unfinished body with one shared reason, not a DOMException per stop', async () => {
    const reasons: unknown[] = [];
    for (let round = 0; round < 2; round += 1) {
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
        },
        cancel(reason) {
          reasons.push(reason);
        },
      });
      const reader = new ServerSentEventReader(stream);
      expect(await reader.read()).toEqual([{ data: '1' }]);
      reader.close();
    }
    await Promise.resolve();
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toBeInstanceOf(Error);
    expect(reasons[0]).toBe(reasons[1]);
  });
});
