import { getEventListeners } from 'node:events';
import { HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../../src/spec/provider-request.js';
import { createMswServer } from '../../setup/msw-server.js';
import { endsByReturnModes, requestEndingByReturn, settledWithin } from '../../setup/stream-ends-by-return.js';
import {
  anthropicModel,
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

  describe.each(endsByReturnModes)('with streamEndsByReturn, $mode', ({ attached }) => {
    const base = { model: anthropicModel, messages: [{ role: 'user' as const, content: 'Hello' }] };
    const events = lines.map(anthropicSseEvent);
    const firstText = events.find((event) => event.startsWith('event: content_block_delta'));
    const streamedText = lines
      .map((line) => JSON.parse(line) as { type: string; delta?: { text?: string } })
      .map((event) => (event.type === 'content_block_delta' ? (event.delta?.text ?? '') : ''))
      .join('');
    // Up to the first text: a read after it waits on the open body.
    const upToFirstText = events.slice(0, events.indexOf(firstText ?? '') + 1);
    const never = new Promise<void>(() => {});

    it('leaves the signal out of the SDK call, and makes none when the attempt is attached', async () => {
      const { request, attempt, reads } = requestEndingByReturn(base, attached);
      // The SDK adds an abort listener to any signal it is given.
      let listenersWhenSent = -1;
      server.use(
        messagesHandler(() => {
          listenersWhenSent = attempt.signalMade ? getEventListeners(attempt.signal, 'abort').length : 0;
          return anthropicSseResponse(events);
        }),
      );
      let text = '';
      for await (const event of createAnthropicProvider().doStream(request)) if (event.type === 'text-delta') text += event.text;
      expect(text).toBe(streamedText);
      expect(listenersWhenSent).toBe(0);
      // An attached attempt is listened to directly: no signal is ever made.
      expect(reads() > 0).toBe(!attached);
    });

    it('sends no request when the attempt was left before it went out', async () => {
      const { request, attempt } = requestEndingByReturn(base, attached);
      let sent = 0;
      server.use(
        messagesHandler(() => {
          sent += 1;
          return anthropicSseResponse(events);
        }),
      );
      const pending = createAnthropicProvider()
        .doStream(request)
        .next()
        .catch((error: unknown) => error);
      // The generator waits for its client: the attempt is left before the request is built.
      attempt.abort(new Error('consumer left'));
      expect(await settledWithin(pending)).toMatchObject({ name: 'ProviderError', kind: 'aborted' });
      expect(sent).toBe(0);
    });

    it('cuts a body read still waiting when the attempt is left, on a body that stays open', async () => {
      const { request, attempt } = requestEndingByReturn(base, attached);
      // The first events, then nothing: the body stays open.
      server.use(messagesHandler(() => anthropicSseResponse(upToFirstText, { cut: never })));
      const iterator = createAnthropicProvider().doStream(request);
      const seen: string[] = [];
      for (;;) {
        const result = await iterator.next();
        if (result.done) break;
        seen.push(result.value.type);
        if (result.value.type === 'text-delta') break;
      }
      expect(seen).toContain('text-delta');
      const pending = iterator.next().catch((error: unknown) => error);
      const reason = new Error('consumer left');
      attempt.abort(reason);
      const outcome = await settledWithin(pending);
      expect(outcome).toMatchObject({ name: 'ProviderError', kind: 'aborted' });
      expect((outcome as Error).cause).toBe(reason);
    });

    it('ends, as soon as the response arrives, a stream left while its response was on its way (its body stays open)', async () => {
      const { request, attempt } = requestEndingByReturn(base, attached);
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      let arrived = () => {};
      const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
      server.use(
        messagesHandler(async () => {
          arrived();
          await released;
          return anthropicSseResponse([], { cut: never });
        }),
      );
      const pending = createAnthropicProvider()
        .doStream(request)
        .next()
        .catch((error: unknown) => error);
      await requestArrived;
      attempt.abort(new Error('consumer left'));
      release();
      expect(await settledWithin(pending)).toMatchObject({ name: 'ProviderError', kind: 'aborted' });
    });
  });
});
