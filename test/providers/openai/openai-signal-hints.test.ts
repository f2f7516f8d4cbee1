import { getEventListeners } from 'node:events';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIProvider } from '../../../src/providers/openai/openai-provider.js';
import type { ProviderRequest } from '../../../src/spec/provider-request.js';
import { createMswServer } from '../../setup/msw-server.js';
import { endsByReturnModes, requestEndingByReturn, settledWithin } from '../../setup/stream-ends-by-return.js';
import { chatCompletionsUrl, openAIMockOrigin, recordedChunkLines, recordedCompletion, sseBody, sseEvents, streamHandler, streamHeaders, textOfChunkLines } from './openai-recorded.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const provider = () => new OpenAIProvider({ name: 'openai', apiKey: 'sk-test', baseUrl: `${openAIMockOrigin}/v1` });
const base = { model: 'gpt-4.1-nano', messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('OpenAIProvider and the orchestrator’s signal hints', () => {
  it('does not even read a signal marked signalNeverAborts on a send', async () => {
    server.use(http.post(chatCompletionsUrl, () => HttpResponse.json(recordedCompletion)));
    let reads = 0;
    const request = {
      ...base,
      signalNeverAborts: true,
      get signal(): AbortSignal {
        reads += 1;
        return new AbortController().signal;
      },
    } satisfies ProviderRequest;
    const result = await provider().doSend(request);
    expect(result.content).toBe(recordedCompletion.choices[0]?.message.content);
    expect(reads).toBe(0);
  });

  it('ends a stream as kind aborted when a per-attempt signal is aborted while it is read', async () => {
    let cut!: () => void;
    const held = new Promise<void>((resolve) => (cut = resolve));
    server.use(http.post(chatCompletionsUrl, () => new HttpResponse(sseBody(sseEvents(recordedChunkLines.slice(0, 3), false), held), { headers: streamHeaders })));
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of provider().doStream({ ...base, signal: controller.signal, signalPerAttempt: true })) {
        seen.push(event.type);
        if (event.type === 'text-delta') controller.abort(new Error('deadline'));
      }
    })().catch((thrown: unknown) => thrown);
    cut();
    expect(seen[0]).toBe('text-delta');
    expect(error).toMatchObject({ name: 'ProviderError', kind: 'aborted' });
  });

  it('hands a per-attempt signal to the SDK itself instead of linking a controller to it', async () => {
    server.use(streamHandler(sseEvents(recordedChunkLines, true)));
    const owned = new AbortController();
    for await (const event of provider().doStream({ ...base, signal: owned.signal, signalPerAttempt: true })) void event;
    // The SDK's own listener stays on the signal it was given (why a long-lived signal gets a
    // linked controller); a per-attempt signal goes away with its attempt.
    expect(getEventListeners(owned.signal, 'abort').length).toBeGreaterThan(0);
    expect(owned.signal.aborted).toBe(false);

    server.use(streamHandler(sseEvents(recordedChunkLines, true)));
    const callers = new AbortController();
    for await (const event of provider().doStream({ ...base, signal: callers.signal })) void event;
    expect(getEventListeners(callers.signal, 'abort')).toHaveLength(0);
  });

  describe.each(endsByReturnModes)('with streamEndsByReturn, $mode', ({ attached }) => {
    const never = new Promise<void>(() => {});

    it('leaves the signal out of the SDK call, and makes none when the attempt is attached', async () => {
      const { request, attempt, reads } = requestEndingByReturn(base, attached);
      // The SDK adds an abort listener to any signal it is given.
      let listenersWhenSent = -1;
      server.use(
        http.post(chatCompletionsUrl, () => {
          listenersWhenSent = attempt.signalMade ? getEventListeners(attempt.signal, 'abort').length : 0;
          return new HttpResponse(sseBody(sseEvents(recordedChunkLines, true)), { headers: streamHeaders });
        }),
      );
      let text = '';
      let finished = false;
      for await (const event of provider().doStream(request)) {
        if (event.type === 'text-delta') text += event.text;
        if (event.type === 'finish') finished = true;
      }
      expect(text).toBe(textOfChunkLines(recordedChunkLines));
      expect(finished).toBe(true);
      expect(listenersWhenSent).toBe(0);
      // An attached attempt is listened to directly: no signal is ever made.
      expect(reads() > 0).toBe(!attached);
    });

    it('sends no request when the attempt was left before it went out', async () => {
      const { request, attempt } = requestEndingByReturn(base, attached);
      let sent = 0;
      server.use(
        http.post(chatCompletionsUrl, () => {
          sent += 1;
          return new HttpResponse(sseBody(sseEvents(recordedChunkLines, true)), { headers: streamHeaders });
        }),
      );
      const pending = provider()
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
      // Up to the first text, then nothing: the body stays open, and the read after it waits.
      const firstText = recordedChunkLines.findIndex((line) => textOfChunkLines([line]) !== '');
      server.use(streamHandler(sseEvents(recordedChunkLines.slice(0, firstText + 1), false), never));
      const iterator = provider().doStream(request);
      const seen: string[] = [];
      for (;;) {
        const result = await iterator.next();
        if (result.done) break;
        seen.push(result.value.type);
        if (result.value.type === 'text-delta') break;
      }
      expect(seen).toEqual(['text-delta']);
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
        http.post(chatCompletionsUrl, async () => {
          arrived();
          await released;
          return new HttpResponse(sseBody([], never), { headers: streamHeaders });
        }),
      );
      const pending = provider()
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
