import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.js';
import { StreamInterruptedError } from '../../src/errors/stream-interrupted-error.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import type { ChatStream } from '../../src/spec/chat-response.js';
import { createUsage } from '../../src/spec/usage.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { ScriptedProvider, streamOf } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Reads a stream to its end in the background; resolves with the texts and the error, if any. */
function drain(stream: ChatStream): Promise<{ texts: string[]; error?: unknown }> {
  const texts: string[] = [];
  return (async () => {
    try {
      for await (const chunk of stream) texts.push(chunk.text);
      return { texts };
    } catch (error) {
      return { texts, error };
    }
  })();
}

describe('stream deadlines: first_chunk_timeout_ms and idle_timeout_ms', () => {
  it('falls back when the first text does not come in time, aborting the attempt (kind timeout)', async () => {
    vi.useFakeTimers();
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'hang' }] }], a2: [streamOf(['from a2'])] });
    const { orch, named } = orchestratorOver(twoProviderConfig({ retry: { max_attempts: 1 }, timeouts: { first_chunk_timeout_ms: 1000 } }), [a, new ScriptedProvider('b')]);
    const done = drain(orch.stream({ messages }));
    await vi.advanceTimersByTimeAsync(999);
    expect(a.calls.map((call) => call.model)).toEqual(['a1']);
    await vi.advanceTimersByTimeAsync(1);
    const { texts, error } = await done;
    expect(error).toBeUndefined();
    expect(texts).toEqual(['from a2']);
    expect(a.calls[0]?.request.signal.aborted).toBe(true);
    const fallback = named('fallback')[0];
    expect(fallback?.error).toMatchObject({ kind: 'timeout', provider: 'a', model: 'a1' });
    expect(fallback?.error.message).toContain('first-chunk timeout of 1000 ms');
    // Cut off by us while the provider worked: the prompt is billed as an estimate.
    expect(orch.tracker.records().map((r) => [r.model, r.status, r.error_kind, r.usage_source])).toEqual([
      ['a1', 'error', 'timeout', 'estimated'],
      ['a2', 'ok', null, 'provider'],
    ]);
  });

  it('retries the same model after a first-chunk timeout like any timeout (kind timeout is retryable)', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'hang' }] }, streamOf(['second try'])] });
    const { orch, named } = orchestratorOver(twoProviderConfig({ timeouts: { first_chunk_timeout_ms: 500 } }), [a, new ScriptedProvider('b')]);
    const done = drain(orch.stream({ messages }));
    await vi.advanceTimersByTimeAsync(501);
    expect((await done).texts).toEqual(['second try']);
    expect(named('retry')[0]?.error).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('a per-request firstChunkTimeoutMs overrides the config and holds against an adapter that ignores its signal', async () => {
    vi.useFakeTimers();
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'server' } }], a2: [streamOf(['a2'])] });
    // a1 never answers and never looks at its signal.
    a.doStream = (request) => {
      a.calls.push({ model: request.model, request, kind: 'stream' });
      if (request.model === 'a1') {
        return (async function* () {
          await new Promise<never>(() => {});
        })();
      }
      return ScriptedProvider.prototype.doStream.call(a, request);
    };
    const config = twoProviderConfig({ retry: { max_attempts: 1 }, timeouts: { first_chunk_timeout_ms: 60_000 } });
    const { orch } = orchestratorOver(config, [a, new ScriptedProvider('b')]);
    const done = drain(orch.stream({ messages, firstChunkTimeoutMs: 200 }));
    await vi.advanceTimersByTimeAsync(200);
    expect((await done).texts).toEqual(['a2']);
  });

  it('after the first text, an idle gap ends the stream with StreamInterruptedError (cause kind timeout)', async () => {
    vi.useFakeTimers();
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'text-delta', text: 'part ' }, { type: 'text-delta', text: 'two' }, { type: 'hang' }] }] });
    const { orch } = orchestratorOver(twoProviderConfig({ timeouts: { idle_timeout_ms: 300 } }), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    const done = drain(stream);
    await vi.advanceTimersByTimeAsync(299);
    expect(orch.tracker.records()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    const { texts, error } = await done;
    expect(texts).toEqual(['part ', 'two']);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    const interrupted = error as StreamInterruptedError;
    expect(interrupted.partialText).toBe('part two');
    expect(interrupted.cause).toMatchObject({ kind: 'timeout' });
    expect((interrupted.cause as ProviderError).message).toContain('idle timeout of 300 ms');
    await expect(stream.response).rejects.toBe(error);
    expect(a.calls[0]?.request.signal.aborted).toBe(true);
    expect(orch.tracker.records().map((r) => [r.status, r.error_kind])).toEqual([['interrupted', 'timeout']]);
  });

  it('does not count the time the caller holds a chunk as idle time', async () => {
    vi.useFakeTimers();
    const a = new ScriptedProvider('a', { a1: [streamOf(['one ', 'two ', 'three'])] });
    const { orch } = orchestratorOver(twoProviderConfig({ timeouts: { idle_timeout_ms: 300 } }), [a, new ScriptedProvider('b')]);
    const texts: string[] = [];
    const done = (async () => {
      for await (const chunk of orch.stream({ messages })) {
        texts.push(chunk.text);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    })();
    await vi.advanceTimersByTimeAsync(5_000);
    await done;
    expect(texts).toEqual(['one ', 'two ', 'three']);
    expect(orch.tracker.records().map((r) => r.status)).toEqual(['ok']);
  });

  it('before the first text, an idle gap after an event falls back', async () => {
    vi.useFakeTimers();
    const usage = createUsage({ inputTokens: 7 });
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'usage', usage }, { type: 'hang' }] }], a2: [streamOf(['a2 answers'])] });
    const request: ChatRequest = { messages, idleTimeoutMs: 100 };
    const { orch } = orchestratorOver(twoProviderConfig({ retry: { max_attempts: 1 } }), [a, new ScriptedProvider('b')]);
    const done = drain(orch.stream(request));
    await vi.advanceTimersByTimeAsync(100);
    expect(await done).toEqual({ texts: ['a2 answers'] });
    // The usage the provider reported before stalling is what its record bills.
    expect(orch.tracker.records()[0]).toMatchObject({ model: 'a1', status: 'error', error_kind: 'timeout', input_tokens: 7, usage_source: 'provider' });
  });

  it('does not fire on a stream whose events keep coming, and re-arms one timer instead of one per chunk', async () => {
    const pieces = Array.from({ length: 50 }, (_, index) => `p${index} `);
    const a = new ScriptedProvider('a', { a1: [streamOf(pieces)] });
    const { orch } = orchestratorOver(twoProviderConfig({ timeouts: { first_chunk_timeout_ms: 5_000, idle_timeout_ms: 5_000 } }), [a, new ScriptedProvider('b')]);
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const { texts, error } = await drain(orch.stream({ messages }));
    expect(error).toBeUndefined();
    expect(texts).toEqual(pieces);
    // One first-chunk timer and one idle timer for the whole attempt, and one bounding the
    // read past its terminal event (drainAfterFinish): none per chunk.
    expect(setTimeoutSpy).toHaveBeenCalledTimes(3);
  });

  it('is off by default and for 0, and rejects a negative override', async () => {
    vi.useFakeTimers();
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'text-delta', text: 'slow' }, { type: 'hang' }] }] });
    const { orch } = orchestratorOver(twoProviderConfig({ timeouts: { idle_timeout_ms: 100 } }), [a, new ScriptedProvider('b')]);
    const controller = new AbortController();
    const done = drain(orch.stream({ messages, idleTimeoutMs: 0, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(600_000);
    expect(orch.tracker.records()).toHaveLength(0);
    controller.abort();
    expect((await done).error).toMatchObject({ kind: 'aborted' });
    expect(() => orch.stream({ messages, firstChunkTimeoutMs: -1 })).toThrow(/request\.firstChunkTimeoutMs/);
  });
});
