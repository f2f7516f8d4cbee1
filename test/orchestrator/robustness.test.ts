import { mkdtempSync, readFileSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import { ProviderError } from '../../src/errors/provider-error.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { CallScope } from '../../src/orchestrator/call-scope.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { answer, ScriptedProvider, streamOf } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function unpricedConfig(overrides: Record<string, unknown> = {}) {
  return { ...twoProviderConfig(), cost_tracking: {}, ...overrides } as ReturnType<typeof twoProviderConfig>;
}

describe('the ledger and the logger never fail a call', () => {
  it('keeps a good answer when the logger throws on a warning', async () => {
    const a = new ScriptedProvider('a', { a1: [answer('kept', 10, 5)], a2: [streamOf(['streamed'])] });
    const orch = new LLMOrchestrator(unpricedConfig(), {
      providers: { a, b: new ScriptedProvider('b') },
      logger: {
        warn() {
          throw new Error('logger down');
        },
      },
    });
    await expect(orch.send({ messages })).resolves.toMatchObject({ content: 'kept', cost: null });
    const stream = orch.stream({ messages, model: 'a2' });
    for await (const _ of stream) void _;
    await expect(stream.response).resolves.toMatchObject({ content: 'streamed' });
    expect(orch.tracker.records().map((r) => [r.model, r.status, r.input_tokens])).toEqual([
      ['a1', 'ok', 10],
      ['a2', 'ok', 10],
    ]);
    await Promise.resolve();
  });

  it('keeps a good answer when a user tracker throws, and says so in a warning', async () => {
    const tracker = new CostTracker({ onWarning() {} });
    vi.spyOn(tracker, 'record').mockImplementation(() => {
      throw new Error('tracker down');
    });
    const a = new ScriptedProvider('a', { a1: [answer('kept')] });
    const warnings: string[] = [];
    const orch = new LLMOrchestrator(twoProviderConfig(), { providers: { a, b: new ScriptedProvider('b') }, tracker, logger: { warn() {} } });
    orch.on('warning', (warning) => warnings.push(`${warning.code}: ${warning.message}`));
    await expect(orch.send({ messages })).resolves.toMatchObject({ content: 'kept', attempts: [expect.objectContaining({ status: 'ok' })] });
    expect(warnings).toEqual([expect.stringMatching(/^cost_recording_failed: .*tracker down/)]);
  });

  it('writes each config file once when several orchestrators share a tracker', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'llm-orch-shared-'));
    const tracker = new CostTracker({ onWarning() {} });
    const config = { ...twoProviderConfig(), cost_tracking: { log_path: join(directory, 'ledger.jsonl'), pricing: twoProviderConfig().cost_tracking?.pricing } };
    const a = new ScriptedProvider('a', { a1: [answer('one'), answer('two')] });
    const first = new LLMOrchestrator(config, { providers: { a, b: new ScriptedProvider('b') }, tracker, logger: { warn() {} } });
    const second = new LLMOrchestrator(config, { providers: { a, b: new ScriptedProvider('b') }, tracker, logger: { warn() {} } });
    await first.send({ messages });
    await second.send({ messages });
    await first.close();
    await second.close();
    expect(readFileSync(join(directory, 'ledger.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('close() waits for a call in progress, so its record reaches the file', async () => {
    vi.useFakeTimers();
    const directory = mkdtempSync(join(tmpdir(), 'llm-orch-close-'));
    const a = new ScriptedProvider('a');
    a.doSend = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return { content: 'late', finishReason: 'stop' };
    };
    const config = { ...twoProviderConfig(), cost_tracking: { log_path: join(directory, 'ledger.jsonl'), pricing: twoProviderConfig().cost_tracking?.pricing } };
    const orch = new LLMOrchestrator(config, { providers: { a, b: new ScriptedProvider('b') }, logger: { warn() {} } });
    const pending = orch.send({ messages });
    const closing = orch.close();
    await vi.advanceTimersByTimeAsync(1000);
    await pending;
    vi.useRealTimers();
    await closing;
    expect(readFileSync(join(directory, 'ledger.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

describe('adapters and factories that misbehave', () => {
  it('records a throwing factory as an unknown failure, redacts configured secrets, and moves on', async () => {
    const a2 = new ScriptedProvider('a', { a2: [answer('a2 ok')] });
    let calls = 0;
    const orch = new LLMOrchestrator(twoProviderConfig(), {
      providers: {
        a: () => {
          calls += 1;
          if (calls === 1) throw new Error('factory broke with key sk-a-secret');
          return a2;
        },
        b: new ScriptedProvider('b'),
      },
      logger: { warn() {} },
    });
    const res = await orch.send({ messages });
    expect(res.content).toBe('a2 ok');
    expect(res.attempts[0]?.error).toMatchObject({ kind: 'unknown' });
    expect(res.attempts[0]?.error?.message).toBe('a/a1: factory broke with key [redacted]');
    expect(orch.tracker.records().map((r) => [r.model, r.status, r.error_kind])).toEqual([
      ['a1', 'error', 'unknown'],
      ['a2', 'ok', null],
    ]);
  });

  it('treats an error kind it does not know as unknown: next model', async () => {
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'bogus' as never } }], a2: [answer('next')] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'a2' });
  });
});

describe('decisions by kind', () => {
  it('quota skips the rest of the provider (a2 is never tried) while not_found moves to a2', async () => {
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'quota', status: 429 } }, { fail: { kind: 'not_found', status: 404 } }], a2: [answer('a2')] });
    const b = new ScriptedProvider('b', { b1: [answer('b1')] });
    const { orch } = orchestratorOver(twoProviderConfig({ cross_provider_fallback: true }), [a, b]);
    await expect(orch.send({ messages })).resolves.toMatchObject({ provider: 'b' });
    await expect(orch.send({ messages })).resolves.toMatchObject({ provider: 'a', model: 'a2' });
  });

  it('content_filter stops the chain and is thrown as the ProviderError itself', async () => {
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'content_filter', message: 'refused' } }] });
    const b = new ScriptedProvider('b', { b1: [answer('never')] });
    const { orch } = orchestratorOver(twoProviderConfig({ cross_provider_fallback: true }), [a, b]);
    const error = await orch.send({ messages }).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.kind).toBe('content_filter');
    expect(b.calls).toHaveLength(0);
  });

  it('backs off exponentially with full jitter, capped by max_delay_ms', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const failures = Array.from({ length: 4 }, () => ({ fail: { kind: 'server' as const, status: 500 } }));
    const a = new ScriptedProvider('a', { a1: [...failures, answer('fifth')] });
    const config = twoProviderConfig({ retry: { max_attempts: 5, initial_delay_ms: 100, max_delay_ms: 300 } });
    const { orch, named } = orchestratorOver(config, [a, new ScriptedProvider('b')]);
    const pending = orch.send({ messages });
    await vi.runAllTimersAsync();
    await expect(pending).resolves.toMatchObject({ content: 'fifth' });
    expect(named('retry').map((event) => event.delayMs)).toEqual([99, 199, 299, 299]);
  });
});

describe('event payloads', () => {
  it('carry the error on retry and fallback, and the record on usage', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'server', status: 503 } }, { fail: { kind: 'server', status: 500 } }], a2: [answer('ok')] });
    const { orch, named } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const pending = orch.send({ messages });
    await vi.runAllTimersAsync();
    const res = await pending;
    expect(named('retry')[0]).toEqual({ requestId: res.requestId, attempt: 1, provider: 'a', model: 'a1', delayMs: 0, error: expect.objectContaining({ kind: 'server', status: 503 }) });
    expect(named('fallback')[0]).toEqual({
      requestId: res.requestId,
      from: { provider: 'a', model: 'a1' },
      to: { provider: 'a', model: 'a2' },
      error: expect.objectContaining({ kind: 'server', status: 500 }),
    });
    expect(named('usage').map((event) => [event.record.attempt, event.record.status])).toEqual([
      [1, 'error'],
      [2, 'error'],
      [3, 'ok'],
    ]);
    expect(named('attempt')[2]).toEqual({ requestId: res.requestId, attempt: 3, provider: 'a', model: 'a2' });
  });
});

describe('streams: deadlines, return() and unread responses', () => {
  it('ends a stream at its deadline after the first text with StreamInterruptedError', async () => {
    vi.useFakeTimers();
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'text-delta', text: 'part' }, { type: 'hang' }] }] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages, timeoutMs: 500 });
    const texts: string[] = [];
    const done = (async () => {
      try {
        for await (const chunk of stream) texts.push(chunk.text);
      } catch (error) {
        return error;
      }
    })();
    await vi.advanceTimersByTimeAsync(500);
    const error = await done;
    expect(texts).toEqual(['part']);
    expect(error).toMatchObject({ name: 'StreamInterruptedError', partialText: 'part', cause: expect.objectContaining({ kind: 'timeout' }) });
    expect(orch.tracker.records()[0]).toMatchObject({ status: 'interrupted', error_kind: 'timeout' });
  });

  it('return() while a read is pending cancels the upstream and settles at once', async () => {
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'text-delta', text: 'first' }, { type: 'hang' }] }] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    const iterator = stream[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toMatchObject({ value: { text: 'first' } });
    const pendingRead = iterator.next();
    pendingRead.catch(() => {});
    await expect(iterator.return?.()).resolves.toMatchObject({ done: true });
    await expect(pendingRead).rejects.toMatchObject({ kind: 'aborted' });
    expect(a.calls[0]?.request.signal.aborted).toBe(true);
    await expect(stream.response).rejects.toMatchObject({ kind: 'aborted' });
    expect(orch.tracker.records().map((r) => r.status)).toEqual(['aborted']);
  });

  it('a failed stream whose response is never awaited causes no unhandled rejection', async () => {
    const a = new ScriptedProvider('a', { a1: [{ stream: [{ type: 'text-delta', text: 'x' }, { type: 'throw', error: { kind: 'network' } }] }] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(
        (async () => {
          for await (const _ of orch.stream({ messages })) void _;
        })(),
      ).rejects.toMatchObject({ name: 'StreamInterruptedError' });
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('CallScope', () => {
  it('removes its abort listener when a raced promise settles', async () => {
    const scope = new CallScope({ timeoutMs: 60_000 });
    const before = getEventListeners(scope.signal!, 'abort').length;
    for (let i = 0; i < 100; i++) await scope.race(Promise.resolve(i), { provider: 'a', model: 'm' });
    expect(getEventListeners(scope.signal!, 'abort')).toHaveLength(before);
    scope.dispose();
  });

  it('leaves no listener on the caller signal once the call ended', async () => {
    const a = new ScriptedProvider('a', { a1: [answer('1'), answer('2'), answer('3')] });
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    const controller = new AbortController();
    for (let i = 0; i < 3; i++) await orch.send({ messages, signal: controller.signal, timeoutMs: 10_000 });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
