import { afterEach, describe, expect, it, vi } from 'vitest';
import { AllFallbacksFailedError } from '../../src/errors/all-fallbacks-failed-error.js';
import { ProviderError } from '../../src/errors/provider-error.js';
import { StreamInterruptedError } from '../../src/errors/stream-interrupted-error.js';
import type { ChatStream } from '../../src/spec/chat-response.js';
import { createUsage } from '../../src/spec/usage.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { ScriptedProvider, streamOf } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'count to three' }];

async function collect(stream: ChatStream): Promise<{ texts: string[]; error?: unknown }> {
  const texts: string[] = [];
  try {
    for await (const chunk of stream) texts.push(chunk.text);
  } catch (error) {
    return { texts, error };
  }
  return { texts };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('stream', () => {
  it('yields the text and settles response with usage, cost and finish reason', async () => {
    const usage = createUsage({ inputTokens: 1_000_000, outputTokens: 1_000_000 });
    const a = new ScriptedProvider('a', { a1: [streamOf(['one', ' two', ' three'], usage)] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    const { texts, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(texts).toEqual(['one', ' two', ' three']);
    const done = await stream.response;
    expect(done).toMatchObject({ content: 'one two three', provider: 'a', model: 'a1', finishReason: 'stop', cost: 3, usage });
    expect(orch.tracker.records().map((r) => [r.status, r.usage_source, r.cost_usd])).toEqual([['ok', 'provider', 3]]);
  });

  it('falls back invisibly on failures before the first text, in-band errors included', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const a = new ScriptedProvider('a', {
      a1: [
        { stream: [{ type: 'usage', usage: createUsage({ inputTokens: 4 }) }, { type: 'throw', error: { kind: 'overloaded' } }] },
        { fail: { kind: 'server', status: 500 } },
      ],
      // Ends with no text and no terminal event: kind network, so retried once, then next model.
      a2: [{ stream: [{ type: 'text-delta', text: '' }] }, { stream: [] }],
    });
    const b = new ScriptedProvider('b', { b1: [streamOf(['from', ' b'])] });
    const { orch, named } = orchestratorOver(twoProviderConfig({ cross_provider_fallback: true }), [a, b]);
    const stream = orch.stream({ messages });
    const collected = collect(stream);
    await vi.runAllTimersAsync();
    const { texts, error } = await collected;
    expect(error).toBeUndefined();
    expect(texts).toEqual(['from', ' b']);
    const done = await stream.response;
    expect(done.attempts.map((attempt) => `${attempt.provider}/${attempt.model}:${attempt.status}`)).toEqual([
      'a/a1:error',
      'a/a1:error',
      'a/a2:error',
      'a/a2:error',
      'b/b1:ok',
    ]);
    expect(done.attempts[2]?.error).toMatchObject({ kind: 'network', message: expect.stringContaining('ended before any text') });
    expect(named('fallback')).toHaveLength(2);
    expect(orch.tracker.records()[0]).toMatchObject({ input_tokens: 4, error_kind: 'overloaded', usage_source: 'provider' });
  });

  it('throws StreamInterruptedError with the partial text after the first text, and never falls back', async () => {
    const a = new ScriptedProvider('a', {
      a1: [{ stream: [{ type: 'text-delta', text: 'The answer' }, { type: 'text-delta', text: ' is' }, { type: 'throw', error: { kind: 'network' } }] }],
    });
    const b = new ScriptedProvider('b', { b1: [streamOf(['never'])] });
    const { orch } = orchestratorOver(twoProviderConfig({ cross_provider_fallback: true }), [a, b]);
    const stream = orch.stream({ messages });
    const { texts, error } = await collect(stream);
    expect(texts).toEqual(['The answer', ' is']);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    const interrupted = error as StreamInterruptedError;
    expect(interrupted.partialText).toBe('The answer is');
    expect(interrupted.usage).toMatchObject({ inputTokens: 4, outputTokens: 4 });
    expect((interrupted.cause as ProviderError).kind).toBe('network');
    await expect(stream.response).rejects.toBe(error);
    expect(b.calls).toHaveLength(0);
    expect(orch.tracker.records().map((r) => [r.status, r.usage_source, r.output_tokens])).toEqual([['interrupted', 'estimated', 4]]);
  });

  it('treats a stream that ends without its terminal event after text as interrupted', async () => {
    const a = new ScriptedProvider('a', {
      a1: [{ stream: [{ type: 'text-delta', text: 'half' }, { type: 'usage', usage: createUsage({ inputTokens: 2, outputTokens: 1 }) }] }],
    });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    const { texts, error } = await collect(stream);
    expect(texts).toEqual(['half']);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).message).toContain('without its terminal event');
    expect(orch.tracker.records()[0]).toMatchObject({ status: 'interrupted', usage_source: 'provider', input_tokens: 2 });
  });

  it('cancels the upstream on a consumer break and still records the usage seen', async () => {
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'text-delta', text: 'first' }, { type: 'text-delta', text: 'second' }, { type: 'hang' }] }] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    for await (const chunk of stream) {
      expect(chunk).toEqual({ text: 'first', provider: 'a', model: 'a1' });
      break;
    }
    expect(a.calls[0]?.request.signal.aborted).toBe(true);
    await expect(stream.response).rejects.toMatchObject({ kind: 'aborted' });
    expect(orch.tracker.records().map((r) => [r.status, r.usage_source, r.output_tokens])).toEqual([['aborted', 'estimated', 2]]);
    expect(a.closed).toEqual(['a1']);
  });

  it('rejects with kind aborted when the caller aborts mid-stream', async () => {
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'text-delta', text: 'go' }, { type: 'hang' }] }] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const controller = new AbortController();
    const stream = orch.stream({ messages, signal: controller.signal });
    const texts: string[] = [];
    const error = await (async () => {
      try {
        for await (const chunk of stream) {
          texts.push(chunk.text);
          controller.abort(new Error('stop'));
        }
      } catch (e) {
        return e;
      }
    })();
    expect(texts).toEqual(['go']);
    expect(error).toMatchObject({ kind: 'aborted', name: 'ProviderError' });
    await expect(stream.response).rejects.toBe(error);
    expect(orch.tracker.records().map((r) => r.status)).toEqual(['aborted']);
  });

  it('rejects response with AllFallbacksFailedError when no candidate streams', async () => {
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'not_found' } }], a2: [{ fail: { kind: 'not_found' } }] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    const { error } = await collect(stream);
    expect(error).toBeInstanceOf(AllFallbacksFailedError);
    await expect(stream.response).rejects.toBe(error);
  });

  it('accepts a completed stream with no text', async () => {
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'finish', finishReason: 'length' }] }] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    expect((await collect(stream)).texts).toEqual([]);
    await expect(stream.response).resolves.toMatchObject({ content: '', finishReason: 'length' });
  });

  it('can be iterated only once', async () => {
    const a = new ScriptedProvider('a', { a1: [streamOf(['x'])] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    await collect(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/);
  });
});
