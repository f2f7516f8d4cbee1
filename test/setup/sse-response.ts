import { HttpResponse } from 'msw';

/**
 * An HTTP 200 `text/event-stream` response that hands out one event per pull. With `cut`, the
 * body stays open after the events and fails with `TypeError: terminated` (undici's broken
 * connection, or `error`) once `cut` resolves: msw (and `@google/generative-ai`) tee every mocked body, and
 * an error discards chunks still queued for the reader, so the cut must wait until they are read.
 */
export function pacedSseResponse(
  events: readonly string[],
  options: { cut?: Promise<void>; error?: Error } = {},
): HttpResponse<ReadableStream> {
  const encoder = new TextEncoder();
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const event = events[index++];
      if (event !== undefined) controller.enqueue(encoder.encode(event));
      else if (options.cut === undefined && options.error === undefined) controller.close();
      else {
        await options.cut;
        controller.error(options.error ?? new TypeError('terminated'));
      }
    },
  });
  return new HttpResponse(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}
