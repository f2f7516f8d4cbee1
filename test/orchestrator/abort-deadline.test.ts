import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { answer, ScriptedProvider } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('send: abort and deadline', () => {
  it('rejects with kind aborted carrying the signal reason, with no further attempt', async () => {
    const a = new ScriptedProvider('a', { a1: [{ hang: true }], a2: [answer('never')] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const controller = new AbortController();
    const pending = orch.send({ messages, signal: controller.signal });
    await Promise.resolve();
    const reason = new Error('user went away');
    controller.abort(reason);
    const error = await pending.catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'aborted', cause: reason, provider: 'a', model: 'a1' });
    expect(a.calls).toHaveLength(1);
    const [record] = orch.tracker.records();
    expect(record).toMatchObject({ status: 'aborted', error_kind: 'aborted', usage_source: 'estimated' });
    expect(record?.input_tokens).toBe(3); // 'hello there' is 11 characters: ceil(11 / 4)
  });

  it('does not start when the signal is already aborted', async () => {
    const a = new ScriptedProvider('a');
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const error = await orch.send({ messages, signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(a.calls).toHaveLength(0);
    expect(orch.tracker.records()).toHaveLength(0);
  });

  it('ends the call at its deadline even when the adapter ignores its signal', async () => {
    vi.useFakeTimers();
    const a = new ScriptedProvider('a', { a1: [{ hang: true, ignoreSignal: true }] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const pending = orch.send({ messages, timeoutMs: 1000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(orch.tracker.records()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    const error = await pending;
    expect(error).toMatchObject({ kind: 'timeout', retryable: false });
    expect((error as Error).message).toContain('deadline of 1000 ms');
    // Cut off by the deadline while the provider worked: its prompt is billed as an estimate.
    expect(orch.tracker.records().map((r) => [r.status, r.error_kind, r.usage_source, r.input_tokens])).toEqual([['error', 'timeout', 'estimated', 3]]);
  });

  it('stops waiting for a backoff when the deadline passes', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'rate_limit', status: 429, retryAfterMs: 5000 } }] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const pending = orch.send({ messages, timeoutMs: 2000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2000);
    await expect(pending).resolves.toMatchObject({ kind: 'timeout' });
    expect(a.calls).toHaveLength(1);
  });
});
