import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderStreamEvent } from '../../src/spec/provider-stream-event.js';
import { createMswServer } from '../setup/msw-server.js';
import type { ConformanceFixture, ConformanceHandlerBuilder } from './conformance-fixture.js';
import { collect, expectErrorCase, expectProviderError, providerRequest, toArray } from './conformance-support.js';

/** The conformance tests that run against msw (listening only inside this block). */
export function defineMswConformanceTests(fixture: ConformanceFixture): void {
  describe('over msw', () => {
    const server = createMswServer();
    const requests: Request[] = [];
    server.events.on('request:start', ({ request }) => {
      requests.push(request);
    });
    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
    afterEach(() => {
      server.resetHandlers();
      requests.length = 0;
    });
    afterAll(() => server.close());
    const use = (builder: ConformanceHandlerBuilder) => server.use(...toArray(builder()));
    const provider = () => fixture.createProvider(fixture.mockOrigin);

    it('send returns the recorded text, usage and finish reason', async () => {
      use(fixture.send.handler);
      const result = await provider().doSend(providerRequest(fixture));
      expect(result.content).toBe(fixture.send.text);
      expect(result.usage).toEqual(fixture.send.usage);
      expect(result.finishReason).toBe(fixture.send.finishReason);
      if (fixture.send.responseModel !== undefined) expect(result.responseModel).toBe(fixture.send.responseModel);
    });

    it('stream yields the recorded text, the recorded usage last, and one finish at the end', async () => {
      use(fixture.stream.handler);
      const outcome = await collect(provider().doStream(providerRequest(fixture)));
      expect(outcome.error).toBeUndefined();
      expect(outcome.text).toBe(fixture.stream.text);
      const textDeltas = outcome.events.filter((event) => event.type === 'text-delta');
      expect(textDeltas.length).toBeGreaterThan(1);
      expect(textDeltas.every((event) => event.text !== '')).toBe(true);
      const usages = outcome.events.filter((event) => event.type === 'usage');
      expect(usages.at(-1)?.usage).toEqual(fixture.stream.usage);
      const finishes = outcome.events.filter((event) => event.type === 'finish');
      expect(finishes).toHaveLength(1);
      expect(outcome.events.at(-1)).toMatchObject({ type: 'finish', finishReason: fixture.stream.finishReason });
    });

    for (const errorCase of fixture.errorCases) {
      it(`send: ${errorCase.name} -> ${errorCase.kind}`, async () => {
        use(errorCase.handler);
        const error = await provider().doSend(providerRequest(fixture)).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expectErrorCase(fixture, errorCase, error);
      });

      it(`stream: ${errorCase.name} -> ${errorCase.kind}, before any event`, async () => {
        use(errorCase.handler);
        const outcome = await collect(provider().doStream(providerRequest(fixture)));
        expect(outcome.events).toEqual([]);
        expectErrorCase(fixture, errorCase, outcome.error);
      });
    }

    it(`an in-band error before the first text throws kind ${fixture.inBandError.kind} before any text`, async () => {
      use(fixture.inBandError.handler);
      const outcome = await collect(provider().doStream(providerRequest(fixture)));
      expect(outcome.events.filter((event) => event.type !== 'usage')).toEqual([]);
      expectProviderError(fixture, outcome.error, fixture.inBandError.kind);
    });

    it('a stream cut after some text yields that text, then throws kind network', async () => {
      let cut = () => {};
      server.use(...toArray(fixture.cutStream.handler(new Promise<void>((resolve) => (cut = resolve)))));
      const outcome = await collect(provider().doStream(providerRequest(fixture)), (text) => {
        if (text === fixture.cutStream.textBeforeCut) cut();
      });
      expect(fixture.cutStream.textBeforeCut).not.toBe('');
      expect(outcome.text).toBe(fixture.cutStream.textBeforeCut);
      expect(outcome.events.some((event) => event.type === 'finish')).toBe(false);
      expectProviderError(fixture, outcome.error, 'network');
    });

    it('a stream that ends without its terminal event yields no finish', async () => {
      use(fixture.noTerminalEvent.handler);
      const outcome = await collect(provider().doStream(providerRequest(fixture)));
      expect(outcome.events.some((event) => event.type === 'finish')).toBe(false);
      if (fixture.noTerminalEvent.text !== undefined) expect(outcome.text).toBe(fixture.noTerminalEvent.text);
      if (outcome.error !== undefined) expectProviderError(fixture, outcome.error, undefined);
    });

    const cannotCancel = fixture.sdkLimits?.cancel;
    const breakTitle =
      cannotCancel === undefined
        ? 'a consumer that breaks after the first text aborts the upstream request'
        : `a consumer that breaks after the first text ends the stream (the request is not cancelled: ${cannotCancel})`;
    it(breakTitle, async () => {
      use(fixture.stream.handler);
      let texts = 0;
      for await (const event of provider().doStream(providerRequest(fixture))) {
        if (event.type === 'text-delta') texts += 1;
        if (texts === 1) break;
      }
      expect(texts).toBe(1);
      expect(requests.length).toBeGreaterThan(0);
      const last = requests.at(-1) as Request;
      if (cannotCancel === undefined) expect(fixture.isUpstreamAborted ? fixture.isUpstreamAborted(last) : last.signal.aborted).toBe(true);
    });

    it('an already aborted signal fails send and stream with kind aborted', async () => {
      use(fixture.send.handler);
      use(fixture.stream.handler);
      const controller = new AbortController();
      controller.abort(new Error('caller gave up'));
      const sendError = await provider().doSend(providerRequest(fixture, controller.signal)).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expectProviderError(fixture, sendError, 'aborted');
      const outcome = await collect(provider().doStream(providerRequest(fixture, controller.signal)));
      expect(outcome.events).toEqual([]);
      expectProviderError(fixture, outcome.error, 'aborted');
    });

    it('aborting the signal mid-stream throws kind aborted and yields nothing more', async () => {
      use(fixture.stream.handler);
      const controller = new AbortController();
      const events: ProviderStreamEvent[] = [];
      let error: unknown;
      try {
        for await (const event of provider().doStream(providerRequest(fixture, controller.signal))) {
          events.push(event);
          if (event.type === 'text-delta') controller.abort(new Error('caller gave up'));
        }
      } catch (thrown) {
        error = thrown;
      }
      expect(events.filter((event) => event.type === 'text-delta')).toHaveLength(1);
      expect(events.some((event) => event.type === 'finish')).toBe(false);
      expectProviderError(fixture, error, 'aborted');
    });
  });

}
