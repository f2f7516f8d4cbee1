import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { answer, ScriptedProvider, streamOf } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'hello' }];

describe('unpriced usage', () => {
  it('gives cost null, an empty ledger cost and one warning per model, never 0', async () => {
    const a = new ScriptedProvider('a', { a1: [answer('x', 100, 10), answer('y', 100, 10)], a2: [streamOf(['z'])] });
    const config = twoProviderConfig();
    (config as { cost_tracking: unknown }).cost_tracking = {};
    const { orch, named } = orchestratorOver(config, [a, new ScriptedProvider('b')]);
    const first = await orch.send({ messages });
    await orch.send({ messages });
    const stream = orch.stream({ messages, model: 'a2' });
    for await (const _ of stream) void _;
    expect(first.cost).toBeNull();
    expect((await stream.response).cost).toBeNull();
    expect(orch.tracker.records().map((r) => [r.cost_usd, r.price_source])).toEqual([
      [null, ''],
      [null, ''],
      [null, ''],
    ]);
    expect(orch.tracker.exportCsv().split('\n')[1]).toMatch(/,10,110,0,0,0,,\d+,,/);
    expect(named('warning').filter((w) => w.code === 'unpriced_model').map((w) => w.model)).toEqual(['a1', 'a2']);
  });

  it('keeps the call cost null when one attempt of several was unpriced', async () => {
    const a = new ScriptedProvider('a', {
      a1: [{ fail: { kind: 'not_found', usage: { inputTokens: 5, outputTokens: 0, totalTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } } }],
      a2: [{ fail: { kind: 'not_found' } }],
    });
    const b = new ScriptedProvider('b', { b1: [answer('priced', 1_000_000, 0)] });
    const config = twoProviderConfig({ cross_provider_fallback: true });
    (config as { cost_tracking: unknown }).cost_tracking = { pricing: { b: { b1: { input: 10, output: 20 } } } };
    const { orch } = orchestratorOver(config, [a, b]);
    const res = await orch.send({ messages });
    expect(res.cost).toBeNull();
    // a1 had tokens and no price; a2 failed with no tokens, which costs 0 priced or not.
    expect(orch.tracker.records().map((r) => r.cost_usd)).toEqual([null, 0, 10]);
  });
});

describe('unavailable providers', () => {
  it('warns once after construction and leaves the provider out of the chain', async () => {
    const b = new ScriptedProvider('b', { b1: [answer('from b')] });
    const warnings: Array<{ code: string; provider?: string; message: string }> = [];
    const orch = new LLMOrchestrator(
      {
        active_provider: 'b',
        cross_provider_fallback: true,
        providers: {
          a: { type: 'anthropic', api_key: '${MISSING_KEY}', fallback_models: ['claude-3-5-haiku-latest'] },
          b: { type: 'openai', api_key: 'sk-b', fallback_models: ['b1'] },
        },
      },
      { providers: { b }, env: {}, logger: { warn() {} } },
    );
    orch.on('warning', (warning) => warnings.push(warning));
    await Promise.resolve();
    expect(warnings).toEqual([expect.objectContaining({ code: 'provider_unavailable', provider: 'a', message: expect.stringContaining('MISSING_KEY') })]);
    await expect(orch.send({ messages })).resolves.toMatchObject({ provider: 'b' });
    const error = await orch.send({ messages, provider: 'a' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/No provider can serve this call: a \(/);
  });
});

describe('models through the orchestrator', () => {
  it('lists on first use, marks a vanished model deprecated on refresh, and validates with a ledger record', async () => {
    const a = new ScriptedProvider('a', { a1: [answer('pong', 1, 1)] }, ['a1', 'a2', 'old']);
    const { orch, named } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    expect((await orch.listModels('a')).map((m) => m.id)).toEqual(['a1', 'a2', 'old']);
    a.models.splice(a.models.indexOf('old'), 1, 'new');
    const [result] = await orch.refreshModels('a');
    expect(result).toMatchObject({ provider: 'a', ok: true, added: ['new'], deprecated: ['old'] });
    expect((await orch.listModels('a')).map((m) => m.id)).toEqual(['a1', 'a2', 'new']);
    expect(orch.registry.get('a', 'old')).toMatchObject({ deprecated: true, deprecatedAt: expect.any(String) });
    expect(named('warning').map((w) => w.code)).toContain('model_unlisted');

    await expect(orch.validateModel('a', 'a1')).resolves.toBe(true);
    expect(orch.registry.get('a', 'a1')?.lastValidatedAt).toEqual(expect.any(String));
    expect(orch.tracker.records().at(-1)).toMatchObject({ model: 'a1', metadata: { purpose: 'validation' } });
    expect(a.calls.at(-1)?.request.maxTokens).toBe(1);
  });

  it('still fetches the full list on first listModels after a validation', async () => {
    const a = new ScriptedProvider('a', { a1: [answer('pong', 1, 1)] }, ['a1', 'a2', 'a3']);
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    await expect(orch.validateModel('a', 'a1')).resolves.toBe(true);
    expect((await orch.listModels('a')).map((m) => m.id)).toEqual(['a1', 'a2', 'a3']);
  });

  it('returns false from validateModel for a model the provider does not serve, and reports refresh failures', async () => {
    const a = new ScriptedProvider('a', { gone: [{ fail: { kind: 'not_found', status: 404 } }] });
    a.listModels = async () => {
      throw new Error('list endpoint down');
    };
    const { orch } = orchestratorOver(twoProviderConfig(), [a, new ScriptedProvider('b')]);
    await expect(orch.validateModel('a', 'gone')).resolves.toBe(false);
    // Validation alone does not count as having listed the provider's models.
    expect(orch.registry.hasListed('a')).toBe(false);
    const [result] = await orch.refreshModels('a');
    expect(result).toMatchObject({ ok: false });
    await expect(orch.listModels('a')).rejects.toThrow('list endpoint down');
    await expect(orch.listModels('nope')).rejects.toBeInstanceOf(ConfigurationError);
  });
});
