import { getEventListeners } from 'node:events';
import { HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../../src/spec/provider-request.js';
import { createMswServer } from '../../setup/msw-server.js';
import {
  anthropicRequest,
  anthropicSseEvent,
  anthropicSseResponse,
  createAnthropicProvider,
  messagesHandler,
  readRecorded,
  recordedChunks,
} from './anthropic-test-helpers.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const lines = recordedChunks('anthropic-text.chunks.txt');
const recordedMessage = JSON.parse(readRecorded('anthropic-text.json')) as { content: [{ text: string }] };

describe('AnthropicProvider and the orchestrator’s signal hints', () => {
  it('does not even read a signal marked signalNeverAborts on a send', async () => {
    server.use(messagesHandler(() => new HttpResponse(readRecorded('anthropic-text.json'), { headers: { 'content-type': 'application/json' } })));
    let reads = 0;
    const { signal: _unused, ...rest } = anthropicRequest();
    const request = {
      ...rest,
      signalNeverAborts: true,
      get signal(): AbortSignal {
        reads += 1;
        return new AbortController().signal;
      },
    } satisfies ProviderRequest;
    const result = await createAnthropicProvider().doSend(request);
    expect(result.content).toBe(recordedMessage.content[0].text);
    expect(reads).toBe(0);
  });

  it('aborts the HTTP request of a stream when a per-attempt signal fires while the answer is awaited', async () => {
    let received: Request | undefined;
    let arrived = () => {};
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    server.use(
      messagesHandler(async ({ request }) => {
        received = request;
        arrived();
        await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
        return anthropicSseResponse(lines.map(anthropicSseEvent));
      }),
    );
    const controller = new AbortController();
    const reason = new Error('deadline');
    const pending = (async () => {
      for await (const event of createAnthropicProvider().doStream(anthropicRequest({ signal: controller.signal, signalPerAttempt: true }))) void event;
    })().catch((caught: unknown) => caught);
    await requestArrived;
    controller.abort(reason);
    const error = await pending;
    expect(error).toMatchObject({ name: 'ProviderError', kind: 'aborted' });
    expect((error as Error).cause).toBe(reason);
    expect(received?.signal.aborted).toBe(true);
  });

  it('hands a per-attempt signal to the SDK itself instead of linking a controller to it', async () => {
    server.use(messagesHandler(() => anthropicSseResponse(lines.map(anthropicSseEvent))));
    const owned = new AbortController();
    for await (const event of createAnthropicProvider().doStream(anthropicRequest({ signal: owned.signal, signalPerAttempt: true }))) void event;
    // The SDK's own listener stays on the signal it was given (why a long-lived signal gets a
    // linked controller); a per-attempt signal goes away with its attempt.
    expect(getEventListeners(owned.signal, 'abort').length).toBeGreaterThan(0);
    expect(owned.signal.aborted).toBe(false);

    server.use(messagesHandler(() => anthropicSseResponse(lines.map(anthropicSseEvent))));
    const callers = new AbortController();
    for await (const event of createAnthropicProvider().doStream(anthropicRequest({ signal: callers.signal }))) void event;
    expect(getEventListeners(callers.signal, 'abort')).toHaveLength(0);
  });
});
