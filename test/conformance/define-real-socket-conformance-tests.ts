import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderStreamEvent } from '../../src/spec/provider-stream-event.js';
import { startRealSocketServer, type RealSocketServer } from '../setup/real-socket-server.js';
import type { ConformanceFixture } from './conformance-fixture.js';
import { collect, expectProviderError, providerRequest } from './conformance-support.js';

/** The conformance tests that run against a real node:http server on 127.0.0.1 (msw closed). */
export function defineRealSocketConformanceTests(fixture: ConformanceFixture): void {
  describe('over a real socket', () => {
    let real: RealSocketServer;
    beforeAll(async () => {
      real = await startRealSocketServer();
    });
    afterAll(() => real.close());
    const provider = () => fixture.createProvider(real.url);

    it('a connection reset before any response fails send with kind network', async () => {
      real.setBehaviour((exchange) => exchange.reset());
      const error = await provider().doSend(providerRequest(fixture)).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expectProviderError(fixture, error, 'network');
    });

    it('a connection reset before any response fails the stream with kind network', async () => {
      real.setBehaviour((exchange) => exchange.reset());
      const outcome = await collect(provider().doStream(providerRequest(fixture)));
      expect(outcome.events).toEqual([]);
      expectProviderError(fixture, outcome.error, 'network');
    });

    it('a connection reset mid-stream yields the text so far, then throws kind network', async () => {
      real.setBehaviour(async (exchange) => {
        await exchange.writeChunkedHead(200, fixture.rawStream.headers);
        for (const chunk of fixture.rawStream.chunks) await exchange.writeChunk(chunk);
      });
      const events: ProviderStreamEvent[] = [];
      let text = '';
      let error: unknown;
      const exchange = real.nextExchange();
      try {
        for await (const event of provider().doStream(providerRequest(fixture))) {
          events.push(event);
          if (event.type === 'text-delta') text += event.text;
          // Reset only once the client holds every byte written, so the kernel cannot drop them.
          if (text === fixture.rawStream.text) (await exchange).reset();
        }
      } catch (thrown) {
        error = thrown;
      }
      expect(text).toBe(fixture.rawStream.text);
      expect(events.some((event) => event.type === 'finish')).toBe(false);
      expectProviderError(fixture, error, 'network');
    });

    it('a consumer that breaks closes the connection', async () => {
      real.setBehaviour(async (exchange) => {
        await exchange.writeChunkedHead(200, fixture.rawStream.headers);
        for (const chunk of fixture.rawStream.chunks) await exchange.writeChunk(chunk);
      });
      const exchange = real.nextExchange();
      for await (const event of provider().doStream(providerRequest(fixture))) {
        if (event.type === 'text-delta') break;
      }
      const held = await exchange;
      await held.closed;
      expect(held.isClosed).toBe(true);
    });

    it('aborting a send that waits for an answer fails with kind aborted and closes the connection', async () => {
      real.setBehaviour(() => {});
      const controller = new AbortController();
      const exchange = real.nextExchange();
      const pending = provider().doSend(providerRequest(fixture, controller.signal)).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      const held = await exchange;
      controller.abort(new Error('caller gave up'));
      expectProviderError(fixture, await pending, 'aborted');
      await held.closed;
      expect(held.isClosed).toBe(true);
    });
  });
}
