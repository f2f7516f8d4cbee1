import { afterEach, describe, expect, it, vi } from 'vitest';
import { AllFallbacksFailedError } from '../../src/errors/all-fallbacks-failed-error.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { ProviderError } from '../../src/errors/provider-error.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { answer, ScriptedProvider } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('send: the fallback chain', () => {
  it('answers from the active model and records one priced attempt', async () => {
    const a = new ScriptedProvider('a', { a1: [answer('hi', 1_000_000, 500_000)] });
    const { orch, named } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const res = await orch.send({ messages, metadata: { user_id: 'u1' } });
    expect(res).toMatchObject({ content: 'hi', provider: 'a', model: 'a1', finishReason: 'stop', cost: 2 });
    expect(res.attempts).toEqual([{ attempt: 1, provider: 'a', model: 'a1', status: 'ok', latencyMs: expect.any(Number) }]);
    const [record] = orch.tracker.records();
    expect(record).toMatchObject({
      session_id: 'session-test',
      request_id: res.requestId,
      attempt: 1,
      status: 'ok',
      input_tokens: 1_000_000,
      output_tokens: 500_000,
      cost_usd: 2,
      price_source: 'override',
      usage_source: 'provider',
      metadata: { user_id: 'u1' },
      error_kind: null,
    });
    expect(named('usage')).toHaveLength(1);
    expect(orch.sessionCost()).toBe(2);
  });

  it('retries a 500 on the same model with full-jitter backoff, then answers', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'server', status: 500 } }, answer('second time')] });
    const { orch, named } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const pending = orch.send({ messages });
    await vi.advanceTimersByTimeAsync(250);
    const res = await pending;
    expect(res.content).toBe('second time');
    expect(named('retry')).toEqual([expect.objectContaining({ attempt: 1, provider: 'a', model: 'a1', delayMs: 250 })]);
    expect(res.attempts.map((attempt) => [attempt.attempt, attempt.model, attempt.status])).toEqual([
      [1, 'a1', 'error'],
      [2, 'a1', 'ok'],
    ]);
    expect(orch.tracker.records().map((r) => [r.attempt, r.status, r.error_kind])).toEqual([
      [1, 'error', 'server'],
      [2, 'ok', null],
    ]);
  });

  it('moves to the next model after max_attempts retryable failures', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const a = new ScriptedProvider('a', {
      a1: [{ fail: { kind: 'server', status: 500 } }, { fail: { kind: 'server', status: 502 } }],
      a2: [answer('from a2')],
    });
    const { orch, named } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const pending = orch.send({ messages });
    await vi.runAllTimersAsync();
    const res = await pending;
    expect(res).toMatchObject({ content: 'from a2', model: 'a2' });
    expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a1', 'a2']);
    expect(named('fallback')).toEqual([
      expect.objectContaining({ from: { provider: 'a', model: 'a1' }, to: { provider: 'a', model: 'a2' } }),
    ]);
    expect(named('attempt').map((event) => event.attempt)).toEqual([1, 2, 3]);
  });

  it('honours a retry-after within the cap and moves on past it', async () => {
    vi.useFakeTimers();
    const a = new ScriptedProvider('a', {
      a1: [{ fail: { kind: 'rate_limit', status: 429, retryAfterMs: 1200 } }, { fail: { kind: 'rate_limit', status: 429, retryAfterMs: 10 } }],
      a2: [{ fail: { kind: 'rate_limit', status: 429, retryAfterMs: 120_000 } }],
    });
    const b = new ScriptedProvider('b', { b1: [answer('b answers')] });
    const { orch, named } = orchestratorOver(twoProviderConfig({ cross_provider_fallback: true }), [a, b]);
    const pending = orch.send({ messages });
    await vi.advanceTimersByTimeAsync(1199);
    expect(a.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const res = await pending;
    expect(res.content).toBe('b answers');
    expect(named('retry').map((event) => event.delayMs)).toEqual([1200]);
    expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a1', 'a2']);
  });

  it('skips the rest of a provider on auth and falls across providers when enabled', async () => {
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'auth', status: 401 } }] });
    const b = new ScriptedProvider('b', { b1: [answer('b answers', 100, 100)] });
    const { orch } = orchestratorOver(twoProviderConfig({ cross_provider_fallback: true }), [a, b]);
    const res = await orch.send({ messages });
    expect(res).toMatchObject({ provider: 'b', model: 'b1', content: 'b answers' });
    expect(a.calls.map((call) => call.model)).toEqual(['a1']);
    expect(res.cost).toBeCloseTo((100 * 10 + 100 * 20) / 1e6, 12);
  });

  it('does not leave the active provider when cross-provider fallback is off', async () => {
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'not_found', status: 404 } }], a2: [{ fail: { kind: 'context_length', status: 400 } }] });
    const b = new ScriptedProvider('b', { b1: [answer('never')] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, b]);
    const error = await orch.send({ messages }).catch((e: unknown) => e);
    expect(AllFallbacksFailedError.isInstance(error)).toBe(true);
    const failed = error as AllFallbacksFailedError;
    expect(failed.errors.map((e) => e.kind)).toEqual(['not_found', 'context_length']);
    expect(failed.attempts.map((attempt) => attempt.model)).toEqual(['a1', 'a2']);
    expect(b.calls).toHaveLength(0);
  });

  it('stops at once on invalid_request and throws that ProviderError itself', async () => {
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'invalid_request', status: 400, message: 'bad parameter' } }] });
    const b = new ScriptedProvider('b');
    const { orch } = orchestratorOver(twoProviderConfig({ cross_provider_fallback: true }), [a, b]);
    const error = await orch.send({ messages }).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.kind).toBe('invalid_request');
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(0);
    expect(orch.tracker.records().map((r) => r.status)).toEqual(['error']);
  });

  it('keeps every attempt and error when all candidates fail', async () => {
    vi.useFakeTimers();
    const a = new ScriptedProvider('a', {
      a1: [{ fail: { kind: 'overloaded', status: 529 } }, { fail: { kind: 'network' } }],
      a2: [{ fail: { kind: 'quota', status: 429 } }],
    });
    const b = new ScriptedProvider('b', { b1: [{ fail: { kind: 'unknown' } }] });
    const { orch } = orchestratorOver(twoProviderConfig({ cross_provider_fallback: true }), [a, b]);
    const pending = orch.send({ messages }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    const error = (await pending) as AllFallbacksFailedError;
    expect(error).toBeInstanceOf(AllFallbacksFailedError);
    expect(error.attempts.map((attempt) => `${attempt.attempt}:${attempt.provider}/${attempt.model}:${attempt.error?.kind}`)).toEqual([
      '1:a/a1:overloaded',
      '2:a/a1:network',
      '3:a/a2:quota',
      '4:b/b1:unknown',
    ]);
    expect(error.errors).toHaveLength(4);
    expect(orch.tracker.records()).toHaveLength(4);
  });

  it('treats a non-ProviderError thrown by a user adapter as kind unknown and moves on', async () => {
    const a = new ScriptedProvider('a', { a2: [answer('a2 ok')] });
    a.doSend = vi.fn(a.doSend.bind(a)).mockRejectedValueOnce(new RangeError('adapter bug'));
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const res = await orch.send({ messages });
    expect(res.attempts[0]?.error).toMatchObject({ kind: 'unknown', message: 'a/a1: adapter bug' });
    expect(res.content).toBe('a2 ok');
  });

  it('pins a provider and model for one call', async () => {
    const a = new ScriptedProvider('a');
    const b = new ScriptedProvider('b', { b9: [answer('pinned')] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, b]);
    const res = await orch.send({ messages, provider: 'b', model: 'b9' });
    expect(res).toMatchObject({ provider: 'b', model: 'b9', content: 'pinned' });
    await expect(orch.send({ messages, provider: 'nope' })).rejects.toThrow(/request\.provider: unknown provider 'nope'/);
  });

  it('rejects a malformed request with every problem and its path', async () => {
    const { orch } = orchestratorOver(twoProviderConfig(), [new ScriptedProvider('a'), new ScriptedProvider('b')]);
    const error = await orch.send({ messages: [{ role: 'robot', content: 3 }], temperature: -1 } as never).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as ConfigurationError).issues.map((issue) => issue.path)).toEqual([
      'request.messages[0].role',
      'request.messages[0].content',
      'request.temperature',
    ]);
    expect(() => orch.stream({ messages: [] })).toThrow(/request\.messages/);
  });

  it('passes request parameters and per-provider options to the adapter', async () => {
    const a = new ScriptedProvider('a', { a1: [answer('ok')] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    await orch.send({ messages, temperature: 0.2, maxTokens: 7, topP: 0.9, stop: ['x'], providerOptions: { a: { seed: 1 }, openai: { seed: 2 } } });
    const request = a.calls[0]?.request;
    expect(request).toMatchObject({ model: 'a1', temperature: 0.2, maxTokens: 7, topP: 0.9, stop: ['x'], providerOptions: { seed: 1 } });
    expect(request?.signal).toBeInstanceOf(AbortSignal);
  });

  it('survives a listener that throws', async () => {
    const a = new ScriptedProvider('a', { a1: [answer('ok')] });
    const { orch, logged } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    orch.on('attempt', () => {
      throw new Error('listener bug');
    });
    await expect(orch.send({ messages })).resolves.toMatchObject({ content: 'ok' });
    expect(logged.some((line) => line.includes("'attempt' listener threw: listener bug"))).toBe(true);
  });
});
