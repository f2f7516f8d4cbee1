import { describe, expect, it } from 'vitest';
import { createUsage } from '../../src/spec/usage.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { ScriptedProvider, streamOf } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'count to three' }];
const answer = { content: 'ok', finishReason: 'stop' as const, usage: createUsage({ inputTokens: 1, outputTokens: 1 }) };

describe('the signal an adapter is given', () => {
  it('is made on first read, once, and marked signalNeverAborts for a send nothing can abort', async () => {
    const a = new ScriptedProvider('a', { a1: [{ send: answer }] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    await orch.send({ messages });
    const request = a.calls[0]?.request;
    expect(request).toMatchObject({ signalNeverAborts: true, signalPerAttempt: true });
    const signal = request?.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal?.aborted).toBe(false);
    expect(request?.signal).toBe(signal);
    expect(Object.keys(request ?? {})).toContain('signal');
  });

  it('is the call’s own, without either hint, for a send with a caller signal or a deadline', async () => {
    const a = new ScriptedProvider('a', { a1: [{ send: answer }, { send: answer }] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const caller = new AbortController();
    await orch.send({ messages, signal: caller.signal });
    await orch.send({ messages, timeoutMs: 60_000 });
    for (const { request } of a.calls) {
      expect(request.signal).toBeInstanceOf(AbortSignal);
      expect(request.signalNeverAborts).toBeUndefined();
      expect(request.signalPerAttempt).toBeUndefined();
    }
  });

  it('is the attempt’s own for a stream (signalPerAttempt), aborted by the orchestrator when the consumer leaves', async () => {
    const a = new ScriptedProvider('a', { a1: [streamOf(['one', ' two', ' three'])] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    for await (const chunk of orch.stream({ messages })) if (chunk.text === 'one') break;
    const request = a.calls[0]?.request;
    expect(request).toMatchObject({ signalPerAttempt: true });
    expect(request?.signalNeverAborts).toBeUndefined();
    expect(request?.signal.aborted).toBe(true);
  });

  it('is made on first read and marked streamEndsByReturn for a stream only its consumer can end early', async () => {
    const a = new ScriptedProvider('a', { a1: [streamOf(['one', ' two']), streamOf(['one', ' two'])] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    // Read to the end: the signal was never read, and reading it now gives one that never fired.
    for await (const chunk of orch.stream({ messages })) expect(chunk.text).not.toBe('');
    const completed = a.calls[0]?.request;
    expect(completed).toMatchObject({ streamEndsByReturn: true, signalPerAttempt: true });
    expect(completed?.signal.aborted).toBe(false);
    // Read during the stream: the consumer leaving aborts it, and its listeners hear it.
    const heard: unknown[] = [];
    for await (const chunk of orch.stream({ messages })) {
      const { signal } = a.calls[1]?.request ?? {};
      signal?.addEventListener('abort', () => heard.push(signal.reason));
      if (chunk.text === 'one') break;
    }
    expect(heard).toHaveLength(1);
    expect(a.calls[1]?.request.signal.aborted).toBe(true);
  });

  it('is made at once and not marked streamEndsByReturn when a caller signal, a deadline or a stream timeout can end the stream', async () => {
    const a = new ScriptedProvider('a', { a1: [streamOf(['one']), streamOf(['one']), streamOf(['one'])] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const caller = new AbortController();
    for (const request of [{ messages, signal: caller.signal }, { messages, timeoutMs: 60_000 }, { messages, idleTimeoutMs: 60_000 }]) {
      for await (const chunk of orch.stream(request)) expect(chunk.text).toBe('one');
    }
    expect(a.calls).toHaveLength(3);
    for (const { request } of a.calls) {
      expect(request.streamEndsByReturn).toBeUndefined();
      expect(request.signalPerAttempt).toBe(true);
      // A plain data property: the signal existed before the adapter was called.
      expect(Object.getOwnPropertyDescriptor(request, 'signal')?.value).toBeInstanceOf(AbortSignal);
    }
  });
});

describe('stream iterator', () => {
  it('answers next() calls made without waiting one after the other, in order, then done', async () => {
    const a = new ScriptedProvider('a', { a1: [streamOf(['one', ' two'])] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    const iterator = stream[Symbol.asyncIterator]();
    const results = await Promise.all([iterator.next(), iterator.next(), iterator.next(), iterator.next()]);
    expect(results.map((result) => (result.done ? 'done' : result.value.text))).toEqual(['one', ' two', 'done', 'done']);
    await expect(stream.response).resolves.toMatchObject({ content: 'one two' });
    expect(orch.tracker.records().map((record) => record.status)).toEqual(['ok']);
  });

  it('ends a stream left before its first next() without any attempt, and answers done after', async () => {
    const a = new ScriptedProvider('a', { a1: [streamOf(['one'])] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    const iterator = stream[Symbol.asyncIterator]();
    await expect(iterator.return?.('left')).resolves.toEqual({ done: true, value: 'left' });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    await expect(stream.response).rejects.toMatchObject({ kind: 'aborted' });
    expect(a.calls).toHaveLength(0);
  });
});
