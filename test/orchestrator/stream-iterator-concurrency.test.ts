import { describe, expect, it } from 'vitest';
import type { StreamChunk } from '../../src/index.js';
import type { ProviderStreamEvent } from '../../src/spec/provider-stream-event.js';
import { createUsage } from '../../src/spec/usage.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { ScriptedProvider, streamOf } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'count to three' }];

/** What a call settled with, or 'hang' when it did not settle in time (a guard, not a wait: settled calls answer at once). */
async function outcome(call: Promise<IteratorResult<StreamChunk>>, timeoutMs = 500): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('hang'), timeoutMs);
  });
  const settled = call.then(
    (result) => (result.done ? 'done' : result.value.text),
    () => 'error',
  );
  try {
    return await Promise.race([settled, hang]);
  } finally {
    clearTimeout(timer);
  }
}

function streamOver(script: ConstructorParameters<typeof ScriptedProvider>[1]) {
  const { orch } = orchestratorOver(twoProviderConfig(), [new ScriptedProvider('a', script), new ScriptedProvider('b')]);
  const stream = orch.stream({ messages });
  return { orch, stream, iterator: stream[Symbol.asyncIterator]() };
}

describe('stream iterator: overlapping calls settle, in call order', () => {
  it('answers every next() on a stream that fails to open', async () => {
    const { iterator } = streamOver({ a1: [{ fail: { kind: 'invalid_request', status: 400 } }] });
    expect(await Promise.all([outcome(iterator.next()), outcome(iterator.next()), outcome(iterator.next())])).toEqual(['error', 'done', 'done']);
  });

  it('answers five next() on a two-chunk stream', async () => {
    const { iterator } = streamOver({ a1: [streamOf(['one', ' two'])] });
    expect(await Promise.all([0, 1, 2, 3, 4].map(() => outcome(iterator.next())))).toEqual(['one', ' two', 'done', 'done', 'done']);
  });

  it('answers next, next, return, next, next made at once, with one aborted record', async () => {
    const { orch, iterator } = streamOver({ a1: [streamOf(['one', ' two', ' three'])] });
    const calls = [iterator.next(), iterator.next(), (iterator.return as () => Promise<IteratorResult<StreamChunk>>)(), iterator.next(), iterator.next()];
    expect(await Promise.all(calls.map((call) => outcome(call)))).toEqual(['error', 'done', 'done', 'done', 'done']);
    expect(orch.tracker.records().map((record) => record.status)).toEqual(['aborted']);
  });

  it('runs a next() made after another settled behind the ones already waiting', async () => {
    const { iterator } = streamOver({ a1: [streamOf(['1', '2', '3', '4'])] });
    const order: string[] = [];
    let third: Promise<unknown> | undefined;
    const first = iterator.next().then((result) => {
      order.push(`first=${result.done ? 'done' : result.value.text}`);
      third = iterator.next().then((next) => order.push(`third=${next.done ? 'done' : next.value.text}`));
    });
    const second = iterator.next().then((result) => order.push(`second=${result.done ? 'done' : result.value.text}`));
    await first;
    await second;
    await third;
    expect(order).toEqual(['first=1', 'second=2', 'third=3']);
  });

  it('return() while a next() is pending after commit: the read settles, one aborted record with the usage seen', async () => {
    const { orch, stream, iterator } = streamOver({
      a1: [{ stream: [{ type: 'usage', usage: createUsage({ inputTokens: 7, outputTokens: 3 }) }, { type: 'text-delta', text: 'x' }, { type: 'hang' }] }],
    });
    expect(await outcome(iterator.next())).toBe('x');
    const pending = outcome(iterator.next());
    expect((await (iterator.return as () => Promise<IteratorResult<StreamChunk>>)()).done).toBe(true);
    expect(await pending).not.toBe('hang');
    await expect(stream.response).rejects.toMatchObject({ kind: 'aborted' });
    expect(orch.tracker.records().map((record) => [record.status, record.input_tokens, record.usage_source])).toEqual([['aborted', 7, 'provider']]);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});

/** A user adapter whose stream iterator answers `next()` with plain results, not promises. */
class PlainIteratorProvider extends ScriptedProvider {
  override doStream(): AsyncGenerator<ProviderStreamEvent> {
    const events: ProviderStreamEvent[] = [
      { type: 'text-delta', text: 'plain ' },
      { type: 'text-delta', text: 'results' },
      { type: 'finish', finishReason: 'stop' },
    ];
    let position = 0;
    const iterator = {
      next: () => (position < events.length ? { done: false, value: events[position++] } : { done: true, value: undefined }),
    };
    return { [Symbol.asyncIterator]: () => iterator } as unknown as AsyncGenerator<ProviderStreamEvent>;
  }
}

describe('stream iterator: an adapter that breaks the async iterator protocol', () => {
  it('still streams when next() answers plain results', async () => {
    const { orch } = orchestratorOver(twoProviderConfig(), [new PlainIteratorProvider('a'), new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    const texts: string[] = [];
    for await (const chunk of stream) texts.push(chunk.text);
    expect(texts.join('')).toBe('plain results');
    expect((await stream.response).content).toBe('plain results');
    expect(orch.tracker.records().map((record) => record.status)).toEqual(['ok']);
  });
});
