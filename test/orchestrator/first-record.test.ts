import { afterEach, describe, expect, it, vi } from 'vitest';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import type { ProviderRequest } from '../../src/spec/provider-request.js';
import type { ProviderResult } from '../../src/spec/provider-result.js';
import { createUsage } from '../../src/spec/usage.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { ScriptedProvider } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const answer = (content: string) => ({ send: { content, finishReason: 'stop' as const, usage: createUsage({ inputTokens: 1, outputTokens: 1 }) } });

afterEach(() => {
  vi.restoreAllMocks();
});

/** An orchestrator over scripted providers that records into `tracker`. */
function orchestratorWith(tracker: CostTracker, a: ScriptedProvider): LLMOrchestrator {
  return new LLMOrchestrator(twoProviderConfig(), { providers: { a, b: new ScriptedProvider('b') }, tracker, logger: { warn() {} } });
}

describe('a call’s first cost record', () => {
  it('goes through CostTracker.prototype.record when it was patched or spied on after load', async () => {
    const spy = vi.spyOn(CostTracker.prototype, 'record');
    const { orch } = orchestratorOver(twoProviderConfig(), [new ScriptedProvider('a', { a1: [answer('one')] }), new ScriptedProvider('b')]);
    await orch.send({ messages });
    expect(orch.tracker.records()).toHaveLength(1);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('is checked against what an attempt listener recorded under the same request id first', async () => {
    const warnings: string[] = [];
    const tracker = new CostTracker({ onWarning: (warning) => warnings.push(warning.code) });
    const orch = orchestratorWith(tracker, new ScriptedProvider('a', { a1: [answer('one'), answer('two')] }));
    const base = { provider: 'moderation', model: 'm', status: 'ok' as const, usage: createUsage({ inputTokens: 1, outputTokens: 0 }), usageSource: 'provider' as const, costUsd: 0, priceSource: 'x', latencyMs: 1 };
    // A pre-flight cost under attempt 0, then (second call) under the attempt's own key.
    let sameKey = false;
    orch.on('attempt', ({ requestId, attempt }) => tracker.record({ ...base, requestId, attempt: sameKey ? attempt : 0 }));
    await orch.send({ messages });
    expect(tracker.report().totals).toMatchObject({ requests: 1, attempts: 2 });
    sameKey = true;
    await orch.send({ messages });
    expect(warnings).toEqual(['duplicate_record']);
    expect(tracker.report().totals).toMatchObject({ requests: 2, attempts: 3 });
  });
});

describe('send()', () => {
  it('leaves a failed call nobody awaits an unhandled rejection, as an async method does', async () => {
    const { orch } = orchestratorOver(twoProviderConfig(), [new ScriptedProvider('a', { a1: [{ fail: { kind: 'invalid_request' } }] }), new ScriptedProvider('b')]);
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    // vitest's own listeners would fail the run: they are set aside for this test.
    const others = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', listener);
    try {
      void orch.send({ messages });
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', listener);
      for (const other of others) process.on('unhandledRejection', other);
    }
    expect(unhandled).toHaveLength(1);
    expect(unhandled[0]).toMatchObject({ kind: 'invalid_request' });
  });
});

describe('the signal of a request nothing can abort', () => {
  it('can be read from a frozen request, and reading it adds no key to the request', async () => {
    const seen: { frozen: boolean; keysBefore: PropertyKey[]; keysAfter: PropertyKey[]; aborted: boolean }[] = [];
    let freeze = false;
    class FreezingProvider extends ScriptedProvider {
      override async doSend(request: ProviderRequest): Promise<ProviderResult> {
        if (freeze) Object.freeze(request);
        const keysBefore = Reflect.ownKeys(request);
        const { aborted } = request.signal;
        seen.push({ frozen: freeze, keysBefore, keysAfter: Reflect.ownKeys(request), aborted });
        return super.doSend(request);
      }
    }
    const { orch } = orchestratorOver(twoProviderConfig(), [new FreezingProvider('a', { a1: [answer('one'), answer('two')] }), new ScriptedProvider('b')]);
    await expect(orch.send({ messages })).resolves.toMatchObject({ content: 'one', provider: 'a' });
    freeze = true;
    await expect(orch.send({ messages })).resolves.toMatchObject({ content: 'two', provider: 'a' });
    expect(seen.map((call) => call.frozen)).toEqual([false, true]);
    for (const call of seen) {
      expect(call.aborted).toBe(false);
      expect(call.keysAfter).toEqual(call.keysBefore);
    }
  });
});
