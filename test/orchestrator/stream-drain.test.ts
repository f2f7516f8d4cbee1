import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { drainAfterFinish } from '../../src/orchestrator/drain-after-finish.js';
import { AnthropicProvider } from '../../src/providers/anthropic/anthropic-provider.js';
import { OpenAIProvider } from '../../src/providers/openai/openai-provider.js';
import type { BaseLLMProvider } from '../../src/spec/base-llm-provider.js';
import type { ProviderStreamEvent } from '../../src/spec/provider-stream-event.js';
import { recordedLines } from '../setup/recorded-fixtures.js';
import { type RealSocketExchange, type RealSocketServer, startRealSocketServer } from '../setup/real-socket-server.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];
const silentLogger = { warn: () => undefined };

const openaiLines = recordedLines('openai-text.chunks.txt');
const anthropicLines = recordedLines('anthropic-text.chunks.txt');

/** A provider's full recorded stream in wire format, terminal event included. */
interface WireStream {
  provider: 'openai' | 'anthropic';
  model: string;
  headers: Record<string, string>;
  events: string[];
  text: string;
  baseUrl: (origin: string) => string;
}

const wires: WireStream[] = [
  {
    provider: 'openai',
    model: 'gpt-4.1-nano',
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
    events: [...openaiLines.map((line) => `data: ${line}\n\n`), 'data: [DONE]\n\n'],
    text: openaiLines.map((line) => (JSON.parse(line) as { choices: { delta?: { content?: string | null } }[] }).choices[0]?.delta?.content ?? '').join(''),
    baseUrl: (origin) => `${origin}/v1`,
  },
  {
    provider: 'anthropic',
    model: 'claude-haiku-4-5-20251001',
    headers: { 'content-type': 'text/event-stream' },
    events: anthropicLines.map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`),
    text: anthropicLines
      .map((line) => JSON.parse(line) as { type: string; delta?: { type?: string; text?: string } })
      .map((event) => (event.type === 'content_block_delta' && event.delta?.type === 'text_delta' ? (event.delta.text ?? '') : ''))
      .join(''),
    baseUrl: (origin) => origin,
  },
];

/** How the orchestrator left the adapter's event iterator. */
interface IteratorEnd {
  /** `next()` answered `done`: the adapter finished by itself. */
  natural: boolean;
  /** `return()` was called: the adapter was cut off. */
  returned: boolean;
}

/** The real adapter for `wire`, its `doStream` iterator observed. */
function observedAdapter(wire: WireStream, origin: string, end: IteratorEnd): BaseLLMProvider {
  const inner =
    wire.provider === 'openai'
      ? new OpenAIProvider({ name: 'openai', apiKey: 'test-key', baseUrl: wire.baseUrl(origin) })
      : new AnthropicProvider({ name: 'anthropic', apiKey: 'test-key', baseUrl: wire.baseUrl(origin) });
  return {
    name: inner.name,
    type: inner.type,
    doSend: (request) => inner.doSend(request),
    listModels: () => inner.listModels(),
    validateModel: (model) => inner.validateModel(model),
    doStream(request) {
      const iterator = inner.doStream(request)[Symbol.asyncIterator]();
      const observed: AsyncIterableIterator<ProviderStreamEvent> = {
        [Symbol.asyncIterator]: () => observed,
        async next() {
          const result = await iterator.next();
          if (result.done) end.natural = true;
          return result;
        },
        async return(value?: unknown) {
          end.returned = true;
          return (await iterator.return?.(value)) ?? { done: true, value: undefined };
        },
      };
      return observed;
    },
  };
}

function orchestratorFor(wire: WireStream, origin: string, end: IteratorEnd = { natural: false, returned: false }): LLMOrchestrator {
  return new LLMOrchestrator(
    { active_provider: wire.provider, providers: { [wire.provider]: { api_key: 'test-key', base_url: wire.baseUrl(origin), fallback_models: [wire.model] } } },
    { logger: silentLogger, providers: { [wire.provider]: observedAdapter(wire, origin, end) } },
  );
}

async function writeStream(exchange: RealSocketExchange, wire: WireStream): Promise<void> {
  await exchange.writeChunkedHead(200, wire.headers);
  for (const event of wire.events) await exchange.writeChunk(event);
}

describe('reading past the terminal event', () => {
  let real: RealSocketServer;
  beforeAll(async () => {
    real = await startRealSocketServer();
  });
  afterAll(() => real.close());

  for (const wire of wires) {
    describe(wire.provider, () => {
      it('a stream whose body ends normally is read to its end, not cut off after its terminal event', async () => {
        real.setBehaviour(async (exchange) => {
          await writeStream(exchange, wire);
          await exchange.write('0\r\n\r\n');
        });
        const end: IteratorEnd = { natural: false, returned: false };
        const orch = orchestratorFor(wire, real.url, end);
        const exchange = real.nextExchange();
        const stream = orch.stream({ messages });
        let text = '';
        for await (const chunk of stream) text += chunk.text;
        const response = await stream.response;
        expect(text).toBe(wire.text);
        expect(response.content).toBe(wire.text);
        const held = await exchange;
        // A cancelled request destroys its socket; a completed one goes back to the pool.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(held.isClosed).toBe(false);
        expect(end).toEqual({ natural: true, returned: false });
        expect(orch.tracker.records()).toHaveLength(1);
        expect(orch.tracker.records()[0]).toMatchObject({ status: 'ok', usage_source: 'provider' });
        await orch.close();
      });

      it('a server that keeps the body open after the terminal event still ends the stream promptly, bills once and is cancelled', async () => {
        real.setBehaviour((exchange) => writeStream(exchange, wire));
        const end: IteratorEnd = { natural: false, returned: false };
        const orch = orchestratorFor(wire, real.url, end);
        const exchange = real.nextExchange();
        const began = performance.now();
        const stream = orch.stream({ messages });
        let text = '';
        for await (const chunk of stream) text += chunk.text;
        const response = await stream.response;
        const elapsedMs = performance.now() - began;
        expect(text).toBe(wire.text);
        expect(response.finishReason).toBe('stop');
        expect(elapsedMs).toBeLessThan(1_000);
        const held = await exchange;
        await held.closed;
        expect(held.isClosed).toBe(true);
        expect(end.returned).toBe(true);
        expect(orch.tracker.records()).toHaveLength(1);
        expect(orch.tracker.records()[0]).toMatchObject({ status: 'ok', usage_source: 'provider' });
        await orch.close();
      });
    });
  }
});

describe('drainAfterFinish', () => {
  it('is true for an iterator that ends by itself, skipping whatever it still yields', async () => {
    async function* tail() {
      yield 1;
      yield 2;
    }
    expect(await drainAfterFinish(tail(), 1_000)).toBe(true);
  });

  it('is true for an iterator that throws (it is finished either way)', async () => {
    // biome-ignore lint/correctness/useYield: a generator that fails on its first read.
    async function* failing(): AsyncGenerator<number> {
      throw new Error('tail failed');
    }
    expect(await drainAfterFinish(failing(), 1_000)).toBe(true);
  });

  it('is false once the budget passes on a read that never settles, and leaves no rejection unhandled', async () => {
    let rejectRead!: (error: Error) => void;
    const iterator: AsyncIterator<number> = { next: () => new Promise((_, reject) => (rejectRead = reject)) };
    const began = performance.now();
    expect(await drainAfterFinish(iterator, 10)).toBe(false);
    expect(performance.now() - began).toBeLessThan(500);
    rejectRead(new Error('aborted later'));
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('is false for an iterator that keeps yielding past the bound', async () => {
    let reads = 0;
    const endless: AsyncIterator<number> = {
      next: async () => {
        reads += 1;
        return { done: false, value: reads };
      },
    };
    expect(await drainAfterFinish(endless, 1_000)).toBe(false);
    expect(reads).toBeLessThanOrEqual(32);
  });
});
