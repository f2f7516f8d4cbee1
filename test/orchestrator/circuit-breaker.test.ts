import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AllFallbacksFailedError } from '../../src/errors/all-fallbacks-failed-error.js';
import { ProviderError } from '../../src/errors/provider-error.js';
import { CircuitBreaker, MAX_COUNTED_TARGETS } from '../../src/orchestrator/circuit-breaker.js';
import type { OrchestratorEvents } from '../../src/orchestrator/orchestrator-events.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { answer, ScriptedProvider } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];
const start = new Date('2026-11-23T12:00:00.000Z');
const serverError = { fail: { kind: 'server' as const, status: 503 } };

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(start);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function setup(scripts: ConstructorParameters<typeof ScriptedProvider>[1], retry: Record<string, number> = {}) {
  const a = new ScriptedProvider('a', scripts);
  const config = twoProviderConfig({ retry: { max_attempts: 1, ...retry }, circuit_breaker: { failure_threshold: 2, cooldown_ms: 10_000 } });
  const fixture = orchestratorOver(config, [a, new ScriptedProvider('b')]);
  const opened: Array<OrchestratorEvents['circuit-open']> = [];
  const closed: Array<OrchestratorEvents['circuit-close']> = [];
  fixture.orch.on('circuit-open', (payload) => opened.push(payload));
  fixture.orch.on('circuit-close', (payload) => closed.push(payload));
  return { a, ...fixture, opened, closed };
}

describe('circuit breaker: cool-downs per (provider, model)', () => {
  it('skips a target after failure_threshold consecutive retryable failures across calls, until its cool-down ends', async () => {
    const { a, orch, opened } = setup({ a1: [serverError, serverError], a2: [answer('a2'), answer('a2'), answer('a2')] });
    await orch.send({ messages });
    expect(opened).toHaveLength(0);
    await orch.send({ messages });
    expect(opened).toEqual([
      { provider: 'a', model: 'a1', until: new Date(start.getTime() + 10_000), reason: 'failures', failures: 2, error: expect.objectContaining({ kind: 'server' }) },
    ]);
    const third = await orch.send({ messages });
    expect(third.attempts.map((attempt) => attempt.model)).toEqual(['a2']);
    expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a2', 'a1', 'a2', 'a2']);
  });

  it('a success resets the count of consecutive failures', async () => {
    const { orch, opened } = setup({ a1: [serverError, answer('a1'), serverError], a2: [answer('a2'), answer('a2')] });
    await orch.send({ messages });
    await orch.send({ messages });
    await orch.send({ messages });
    expect(opened).toHaveLength(0);
  });

  it('lets one trial request through after the cool-down: its success closes the circuit', async () => {
    const { a, orch, opened, closed } = setup({ a1: [serverError, serverError, answer('a1 is back'), answer('a1 again')], a2: [answer('a2'), answer('a2'), answer('a2')] });
    await orch.send({ messages });
    await orch.send({ messages });
    expect(opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(9_999);
    expect((await orch.send({ messages })).model).toBe('a2');
    await vi.advanceTimersByTimeAsync(1);
    expect((await orch.send({ messages })).content).toBe('a1 is back');
    expect(closed).toEqual([{ provider: 'a', model: 'a1' }]);
    expect((await orch.send({ messages })).content).toBe('a1 again');
    expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a2', 'a1', 'a2', 'a2', 'a1', 'a1']);
  });

  it('a failed trial opens the circuit again for another cool-down, without a retry on it', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { a, orch, opened, closed } = setup({ a1: [serverError, serverError, serverError], a2: [answer('a2'), answer('a2'), answer('a2'), answer('a2')] }, { max_attempts: 3 });
    const first = orch.send({ messages });
    await vi.runAllTimersAsync();
    await first;
    // max_attempts 3 would retry a1, but the second failure opened its circuit: on to a2.
    expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a1', 'a2']);
    expect(opened.map((event) => event.reason)).toEqual(['failures']);
    await vi.advanceTimersByTimeAsync(10_000);
    await orch.send({ messages });
    expect(opened.map((event) => [event.reason, event.until.toISOString()])).toEqual([
      ['failures', '2026-11-23T12:00:10.000Z'],
      ['trial-failed', '2026-11-23T12:00:20.000Z'],
    ]);
    expect(closed).toEqual([]);
    await orch.send({ messages });
    expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a1', 'a2', 'a1', 'a2', 'a2']);
  });

  it('opens at once for a retry-after longer than retry.max_retry_after_ms, for that long', async () => {
    const { a, orch, opened } = setup({ a1: [{ fail: { kind: 'rate_limit', status: 429, retryAfterMs: 60_000 } }], a2: [answer('a2'), answer('a2')] });
    await orch.send({ messages });
    expect(opened).toEqual([expect.objectContaining({ reason: 'retry-after', until: new Date(start.getTime() + 60_000), failures: 1 })]);
    await orch.send({ messages });
    expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a2', 'a2']);
  });

  it('when every candidate is cooling down, waits for the first recovery if it fits the deadline', async () => {
    const { a, orch } = setup({ a1: [{ fail: { kind: 'rate_limit', status: 429, retryAfterMs: 5_000 } }, answer('after the wait')] }, { max_retry_after_ms: 1_000 });
    const pinned = { messages, provider: 'a', model: 'a1' };
    await expect(orch.send(pinned)).rejects.toBeInstanceOf(AllFallbacksFailedError);
    const pending = orch.send({ ...pinned, timeoutMs: 6_000 });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(a.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toMatchObject({ content: 'after the wait' });
    expect(a.calls).toHaveLength(2);
  });

  it('fails at once, naming when the first target recovers, when the wait does not fit', async () => {
    const { a, orch } = setup({ a1: [{ fail: { kind: 'rate_limit', status: 429, retryAfterMs: 5_000 } }] }, { max_retry_after_ms: 1_000 });
    const pinned = { messages, provider: 'a', model: 'a1' };
    await orch.send(pinned).catch(() => undefined);
    for (const request of [{ ...pinned, timeoutMs: 4_000 }, pinned]) {
      const error = await orch.send(request).catch((e: unknown) => e);
      expect(AllFallbacksFailedError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('Every candidate is cooling down (circuit breaker); the first to recover is a/a1 at 2026-11-23T12:00:05.000Z (in 5000 ms)');
      expect((error as AllFallbacksFailedError).attempts).toEqual([]);
    }
    expect(a.calls).toHaveLength(1);
  });

  it('is off with circuit_breaker.enabled: false', async () => {
    const a = new ScriptedProvider('a', { a1: [serverError, serverError, serverError], a2: [answer('a2'), answer('a2'), answer('a2')] });
    const config = twoProviderConfig({ retry: { max_attempts: 1 }, circuit_breaker: { enabled: false, failure_threshold: 1 } });
    const { orch } = orchestratorOver(config, [a, new ScriptedProvider('b')]);
    for (let index = 0; index < 3; index += 1) await orch.send({ messages });
    expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a2', 'a1', 'a2', 'a1', 'a2']);
  });
});

describe('CircuitBreaker', () => {
  const target = { provider: 'p', model: 'm' };
  const failure = (retryAfterMs?: number) =>
    ({ ok: false, error: new ProviderError({ provider: 'p', model: 'm', kind: 'rate_limit', message: 'slow down', ...(retryAfterMs ? { retryAfterMs } : {}) }) }) as const;

  function breaker() {
    let now = 1_000_000;
    const opened: Array<OrchestratorEvents['circuit-open']> = [];
    const circuits = new CircuitBreaker({
      config: { enabled: true, failureThreshold: 1, cooldownMs: 1_000 },
      maxRetryAfterMs: 100,
      onOpen: (payload) => opened.push(payload),
      onClose: () => undefined,
      now: () => now,
    });
    return { circuits, opened, advance: (ms: number) => (now += ms), now: () => now };
  }

  it('only moves a cool-down later', () => {
    const { circuits, now } = breaker();
    const early = circuits.admit(target);
    const late = circuits.admit(target);
    if (!early.admitted || !late.admitted) throw new Error('expected admissions');
    circuits.report(target, early, failure(50_000));
    expect(circuits.admit(target)).toEqual({ admitted: false, until: now() + 50_000 });
    // An attempt that started before the circuit opened fails with a shorter retry-after.
    circuits.report(target, late, failure(200));
    expect(circuits.status(target)).toEqual({ state: 'open', until: now() + 50_000 });
  });

  it('admits one trial at a time once the cool-down ends, and hands it on when the trial says nothing', () => {
    const { circuits, advance } = breaker();
    const first = circuits.admit(target);
    if (!first.admitted) throw new Error('expected an admission');
    circuits.report(target, first, failure());
    advance(1_000);
    const trial = circuits.admit(target);
    expect(trial).toEqual({ admitted: true, trial: true });
    expect(circuits.admit(target)).toEqual({ admitted: false, until: undefined });
    expect(circuits.status(target)).toEqual({ state: 'half-open', trialInFlight: true });
    if (!trial.admitted) throw new Error('expected a trial');
    circuits.report(target, trial, { ok: 'unknown' });
    expect(circuits.admit(target)).toEqual({ admitted: true, trial: true });
  });

  it('keeps nothing for targets that only succeed, and at most MAX_COUNTED_TARGETS closed counts', () => {
    const now = 1_000_000;
    const circuits = new CircuitBreaker({
      config: { enabled: true, failureThreshold: 3, cooldownMs: 1_000 },
      maxRetryAfterMs: 100,
      onOpen: () => undefined,
      onClose: () => undefined,
      now: () => now,
    });
    const admitted = { admitted: true, trial: false } as const;
    // Model ids a request names are user input: a server seeing many must not grow without bound.
    for (let index = 0; index < 5_000; index += 1) circuits.report({ provider: 'p', model: `ok-${index}` }, admitted, { ok: true });
    expect(circuits.trackedTargets).toBe(0);
    const slow = (model: string) => ({ ok: false, error: new ProviderError({ provider: 'p', model, kind: 'rate_limit', message: 'slow down' }) }) as const;
    // One open circuit first: it must survive the eviction of closed counts.
    for (let attempt = 0; attempt < 3; attempt += 1) circuits.report({ provider: 'p', model: 'hot' }, admitted, slow('hot'));
    expect(circuits.status({ provider: 'p', model: 'hot' }).state).toBe('open');
    for (let index = 0; index < MAX_COUNTED_TARGETS + 500; index += 1) circuits.report({ provider: 'p', model: `flaky-${index}` }, admitted, slow(`flaky-${index}`));
    expect(circuits.trackedTargets).toBe(MAX_COUNTED_TARGETS);
    expect(circuits.status({ provider: 'p', model: 'hot' }).state).toBe('open');
    // A success forgets a target's count; the newest counts are the ones kept.
    circuits.report({ provider: 'p', model: `flaky-${MAX_COUNTED_TARGETS + 499}` }, admitted, { ok: true });
    expect(circuits.trackedTargets).toBe(MAX_COUNTED_TARGETS - 1);
  });
});

