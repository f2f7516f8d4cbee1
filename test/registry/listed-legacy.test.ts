import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleEntry } from '../../src/config/normalized-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { listProviderModels } from '../../src/registry/list-provider-models.js';
import { ModelLifecycle } from '../../src/registry/model-lifecycle.js';
import { ModelPolicy } from '../../src/registry/model-policy.js';
import { ModelRegistry } from '../../src/registry/model-registry.js';
import { parseRegistrySnapshot } from '../../src/registry/registry-snapshot.js';
import type { BaseLLMProvider } from '../../src/spec/base-llm-provider.js';
import { createMswServer } from '../setup/msw-server.js';
import { bedrockControlOrigin, createBedrockProvider, foundationModelSummary } from '../providers/bedrock/bedrock-test-helpers.js';

const server = createMswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const legacyModel = 'anthropic.claude-old-v1:0';
const activeModel = 'anthropic.claude-new-v1:0';
const legacyReason = 'Bedrock lists it as LEGACY';

const summary = foundationModelSummary;

const legacyWithDates = { status: 'LEGACY', legacyTime: '2025-08-25T00:00:00Z', endOfLifeTime: '2027-03-01T00:00:00Z' };

/** msw answers ListFoundationModels with `summaries()` at the time of each request. */
function answerWith(summaries: () => unknown[]) {
  server.use(http.get(`${bedrockControlOrigin}/foundation-models`, () => HttpResponse.json({ modelSummaries: summaries() })));
}

/** A registry over the real Bedrock adapter (msw), wired as the orchestrator wires it. */
function bedrockRegistry(options: { lifecycle?: (provider: string, model: string) => LifecycleEntry | undefined; now?: () => Date } = {}) {
  const provider = createBedrockProvider();
  let changes = 0;
  const registry = new ModelRegistry({
    providers: () => ['bedrock'],
    listModels: () => listProviderModels(provider),
    onChange: () => {
      changes += 1;
    },
    ...options,
  });
  return { registry, changes: () => changes };
}

describe('a model Bedrock lists as LEGACY', () => {
  it('comes out of a refresh deprecated with the reason and dates; hidden unless includeDeprecated', async () => {
    answerWith(() => [summary(legacyModel, legacyWithDates), summary(activeModel, { status: 'ACTIVE' })]);
    const { registry, changes } = bedrockRegistry();
    const [result] = await registry.refresh();
    expect(result).toMatchObject({ provider: 'bedrock', ok: true, added: [legacyModel, activeModel], deprecated: [], legacy: [legacyModel] });
    expect(changes()).toBe(1);
    expect(registry.list('bedrock').map((model) => model.id)).toEqual([activeModel]);
    const all = registry.list('bedrock', { includeDeprecated: true });
    expect(all.map((model) => model.id)).toEqual([activeModel, legacyModel]);
    expect(all.find((model) => model.id === legacyModel)).toEqual({
      id: legacyModel,
      provider: 'bedrock',
      deprecated: true,
      deprecatedAt: '2025-08-25',
      deprecationReason: legacyReason,
      retiresAt: '2027-03-01',
      lastSeenAt: expect.any(String),
    });
    expect(registry.isDeprecated('bedrock', legacyModel)).toBe(true);
    expect(registry.isDeprecated('bedrock', activeModel)).toBe(false);
    // Still served: the legacy status is no reason to skip it.
    expect(registry.isMarkedNotFound('bedrock', legacyModel)).toBe(false);
  });

  it('is reported once as legacy, lifted when listed ACTIVE again, and marked unlisted when it disappears', async () => {
    let status: 'LEGACY' | 'ACTIVE' | 'gone' = 'LEGACY';
    answerWith(() => [summary(activeModel, { status: 'ACTIVE' }), ...(status === 'gone' ? [] : [summary(legacyModel, { status })])]);
    let now = new Date('2026-11-23T10:00:00Z');
    const { registry } = bedrockRegistry({ now: () => now });

    expect((await registry.refresh())[0]?.legacy).toEqual([legacyModel]);
    // No legacyTime from Bedrock: the time a refresh first saw it legacy.
    expect(registry.get('bedrock', legacyModel)).toMatchObject({ deprecated: true, deprecatedAt: '2026-11-23T10:00:00.000Z', deprecationReason: legacyReason });
    now = new Date('2026-11-24T10:00:00Z');
    // Still legacy: not reported again, and the first date stays.
    expect((await registry.refresh())[0]?.legacy).toEqual([]);
    expect(registry.get('bedrock', legacyModel)?.deprecatedAt).toBe('2026-11-23T10:00:00.000Z');

    status = 'ACTIVE';
    const [active] = await registry.refresh();
    expect(active).toMatchObject({ legacy: [], deprecated: [] });
    expect(registry.get('bedrock', legacyModel)).toMatchObject({ deprecated: false });
    expect(registry.get('bedrock', legacyModel)?.deprecationReason).toBeUndefined();
    expect(registry.list('bedrock').map((model) => model.id)).toContain(legacyModel);

    status = 'LEGACY';
    await registry.refresh();
    status = 'gone';
    const [gone] = await registry.refresh();
    expect(gone).toMatchObject({ deprecated: [legacyModel], legacy: [] });
    expect(registry.get('bedrock', legacyModel)).toMatchObject({ deprecated: true, deprecationReason: 'no longer listed by the provider' });
  });

  it('keeps its sources apart: a not_found mark wins while it holds, then the listing reason is back', async () => {
    answerWith(() => [summary(legacyModel, legacyWithDates)]);
    const { registry } = bedrockRegistry();
    await registry.refresh();
    registry.markNotFound('bedrock', legacyModel, 'not_found: gone for this account');
    expect(registry.get('bedrock', legacyModel)).toMatchObject({ deprecated: true, deprecationReason: 'not_found: gone for this account', retiresAt: '2027-03-01' });
    registry.markAnswered('bedrock', legacyModel);
    expect(registry.get('bedrock', legacyModel)).toMatchObject({ deprecated: true, deprecatedAt: '2025-08-25', deprecationReason: legacyReason });
  });

  it('gives way to the lifecycle data, which also holds when the listing says ACTIVE', async () => {
    let status = 'LEGACY';
    answerWith(() => [summary(legacyModel, { ...legacyWithDates, status })]);
    const entry: LifecycleEntry = { provider: 'bedrock', model: legacyModel, deprecatedAt: '2025-09-01', retiresAt: '2027-06-01', replacement: activeModel };
    const { registry } = bedrockRegistry({ lifecycle: (_provider, model) => (model === legacyModel ? entry : undefined) });
    await registry.refresh();
    expect(registry.get('bedrock', legacyModel)).toMatchObject({ deprecated: true, deprecatedAt: '2025-09-01', retiresAt: '2027-06-01', replacement: activeModel, deprecationReason: legacyReason });
    status = 'ACTIVE';
    await registry.refresh();
    expect(registry.get('bedrock', legacyModel)).toMatchObject({ deprecated: true, deprecatedAt: '2025-09-01', retiresAt: '2027-06-01', deprecationReason: 'announced deprecated by the provider' });
  });

  it('survives the cache file round trip; a malformed legacy record is rejected', async () => {
    answerWith(() => [summary(legacyModel, legacyWithDates)]);
    const { registry } = bedrockRegistry();
    await registry.refresh();
    const written = JSON.parse(JSON.stringify(registry.snapshot())) as unknown;
    const restored = bedrockRegistry().registry;
    restored.restore(parseRegistrySnapshot(written));
    expect(restored.get('bedrock', legacyModel)).toMatchObject({ deprecated: true, deprecationReason: legacyReason, deprecatedAt: '2025-08-25', retiresAt: '2027-03-01' });
    expect(restored.list('bedrock')).toEqual([]);

    const broken = JSON.parse(JSON.stringify(written)) as { providers: { bedrock: { models: Array<Record<string, unknown>> } } };
    broken.providers.bedrock.models[0]!.listedLegacy = { reason: 7 };
    expect(() => parseRegistrySnapshot(broken)).toThrow("malformed entry for provider 'bedrock'");
  });

  it('warns on first use of a configured LEGACY model, naming the reason and date, and is still tried', async () => {
    answerWith(() => [summary(legacyModel, legacyWithDates), summary(activeModel, { status: 'ACTIVE' })]);
    const { config } = loadConfig({ active_provider: 'bedrock', active_model: legacyModel, providers: { bedrock: { region: 'us-east-1', fallback_models: [activeModel] } } }, { env: {} });
    const lifecycle = new ModelLifecycle([], [], () => 'bedrock');
    const { registry } = bedrockRegistry({ lifecycle: (provider, model) => lifecycle.find(provider, model) });
    const warnings: Array<{ code: string; message: string; model?: string }> = [];
    const policy = new ModelPolicy({ config, registry, lifecycle, onRetired: 'skip', warn: (code, message, _provider, model) => warnings.push({ code, message, ...(model ? { model } : {}) }) });
    // Construction: no lifecycle data for it, and no network call: nothing known yet.
    policy.checkConfiguredModels().report();
    expect(warnings).toEqual([]);

    await registry.refresh('bedrock');
    expect(policy.skipReason({ provider: 'bedrock', model: legacyModel }, false)).toBeUndefined();
    policy.beforeAttempt({ provider: 'bedrock', model: legacyModel });
    policy.beforeAttempt({ provider: 'bedrock', model: activeModel });
    expect(warnings).toEqual([
      { code: 'deprecated_model_used', model: legacyModel, message: `Using deprecated model '${legacyModel}' of 'bedrock' (${legacyReason}), retiring on 2027-03-01` },
    ]);
  });

  it('is not skipped for a past end-of-life date in the listing alone: only the lifecycle data retires a model', async () => {
    answerWith(() => [summary(legacyModel, { status: 'LEGACY', endOfLifeTime: '2020-01-01T00:00:00Z' })]);
    const { config } = loadConfig({ active_provider: 'bedrock', active_model: legacyModel, providers: { bedrock: { region: 'us-east-1', fallback_models: [activeModel] } } }, { env: {} });
    const lifecycle = new ModelLifecycle([], [], () => 'bedrock');
    const { registry } = bedrockRegistry({ lifecycle: (provider, model) => lifecycle.find(provider, model) });
    const policy = new ModelPolicy({ config, registry, lifecycle, onRetired: 'skip', warn: () => undefined });
    await registry.refresh();
    expect(registry.get('bedrock', legacyModel)).toMatchObject({ deprecated: true, retiresAt: '2020-01-01' });
    expect(policy.skipReason({ provider: 'bedrock', model: legacyModel }, false)).toBeUndefined();
    expect(policy.inspect({ provider: 'bedrock', model: legacyModel }, false)).toEqual({ deprecated: true });
  });
});

describe('listProviderModels', () => {
  it('uses listModels ids for an adapter without listModelDetails', async () => {
    const plain = { name: 'p', type: 'custom', listModels: async () => ['m1', 'm2'] } as unknown as BaseLLMProvider;
    expect(await listProviderModels(plain)).toEqual([{ id: 'm1' }, { id: 'm2' }]);
    const registry = new ModelRegistry({ providers: () => ['p'], listModels: () => listProviderModels(plain) });
    expect(await registry.refresh()).toEqual([{ provider: 'p', ok: true, added: ['m1', 'm2'], deprecated: [], legacy: [] }]);
  });
});
