import { afterEach, describe, expect, it, vi } from 'vitest';
import { AllFallbacksFailedError } from '../../src/errors/all-fallbacks-failed-error.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { answer, ScriptedProvider, streamOf } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];
const serverError = { fail: { kind: 'server' as const, status: 500 } };

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('retry.max_total_attempts: one attempt budget per call', () => {
  it('stops retries and fallbacks together at the budget (default 6), naming it in the error', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    // 3 attempts per model over 3 models would be 9 attempts without a budget.
    const a = new ScriptedProvider('a', { a1: [serverError, serverError, serverError], a2: [serverError, serverError, serverError] });
    const b = new ScriptedProvider('b', { b1: [serverError, serverError, serverError] });
    const { orch, named } = orchestratorOver(twoProviderConfig({ cross_provider_fallback: true, retry: { max_attempts: 3 } }), [a, b]);
    const pending = orch.send({ messages }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    const error = await pending;
    expect(AllFallbacksFailedError.isInstance(error)).toBe(true);
    const failed = error as AllFallbacksFailedError;
    expect(failed.message).toContain('The attempt budget of 6 attempts per call (retry.max_total_attempts) was spent');
    expect(failed.attempts).toHaveLength(6);
    expect([...a.calls, ...b.calls].map((call) => call.model)).toEqual(['a1', 'a1', 'a1', 'a2', 'a2', 'a2']);
    // No retry is announced (or waited for) that the budget cannot pay for.
    expect(named('retry')).toHaveLength(4);
    expect(orch.tracker.records()).toHaveLength(6);
  });

  it('counts fallbacks against the budget: the next candidate is not started once it is spent', async () => {
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'not_found', status: 404 } }], a2: [{ fail: { kind: 'context_length', status: 400 } }] });
    const b = new ScriptedProvider('b', { b1: [answer('never')] });
    const { orch, named } = orchestratorOver(twoProviderConfig({ cross_provider_fallback: true, retry: { max_total_attempts: 2 } }), [a, b]);
    const error = await orch.send({ messages }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^The attempt budget of 2 attempts per call/);
    expect(b.calls).toHaveLength(0);
    expect(named('fallback')).toHaveLength(1);
  });

  it('a budget of 1 makes the first failure final, without a retry', async () => {
    const a = new ScriptedProvider('a', { a1: [serverError, answer('never')] });
    const { orch, named } = orchestratorOver(twoProviderConfig({ retry: { max_attempts: 3, max_total_attempts: 1 } }), [a, new ScriptedProvider('b')]);
    const error = await orch.send({ messages }).catch((e: unknown) => e);
    expect(AllFallbacksFailedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('budget of 1 attempt per call');
    expect(a.calls).toHaveLength(1);
    expect(named('retry')).toHaveLength(0);
  });

  it('applies to streams before their first text too', async () => {
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'throw', error: { kind: 'not_found' } }] }], a2: [streamOf(['never'])] });
    const { orch } = orchestratorOver(twoProviderConfig({ retry: { max_total_attempts: 1 } }), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    const error = await (async () => {
      for await (const chunk of stream) void chunk;
    })().catch((e: unknown) => e);
    expect((error as Error).message).toContain('attempt budget of 1 attempt');
    await expect(stream.response).rejects.toBe(error);
    expect(a.calls.map((call) => call.model)).toEqual(['a1']);
  });

  it('rejects a budget below 1 in the config', () => {
    expect(() => orchestratorOver(twoProviderConfig({ retry: { max_total_attempts: 0 } }), [new ScriptedProvider('a'), new ScriptedProvider('b')])).toThrow(
      /retry\.max_total_attempts/,
    );
  });
});
