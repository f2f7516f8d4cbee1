import { describe, expect, it, vi } from 'vitest';
import { AllFallbacksFailedError } from '../../src/errors/all-fallbacks-failed-error.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { orchestratorOver } from '../support/orchestrator-fixture.js';
import { answer, ScriptedProvider, streamOf } from '../support/scripted-provider.js';
import { configWithModels, dayFromToday } from './registry-test-helpers.js';

const messages = [{ role: 'user' as const, content: 'hello' }];

describe('lifecycle warnings at construction', () => {
  it('warns once per configured model that is deprecated or retiring within 90 days, naming date and replacement', async () => {
    const a = new ScriptedProvider('a', { a1: [answer('one'), answer('two')] });
    const config = configWithModels({
      lifecycle: [
        { provider: 'a', model: 'a1', deprecated_at: dayFromToday(-30), retires_at: dayFromToday(200), replacement: 'a9' },
        { provider: 'openai', model: 'a2', retires_at: dayFromToday(30), replacement: 'a8' },
        // Announced for later: not deprecated yet, and too far away to warn about.
        { provider: 'b', model: 'b1', deprecated_at: dayFromToday(10), retires_at: dayFromToday(300) },
      ],
    });
    const { orch, named, logged } = orchestratorOver(config, [a, new ScriptedProvider('b')]);
    await Promise.resolve();
    const atStart = named('warning').map((w) => ({ code: w.code, model: w.model }));
    expect(atStart).toEqual([
      { code: 'model_deprecated', model: 'a1' },
      { code: 'model_retiring', model: 'a2' },
    ]);
    const [deprecated, retiring] = named('warning');
    expect(deprecated?.message).toContain(dayFromToday(200));
    expect(deprecated?.message).toContain("'a9'");
    expect(retiring?.message).toMatch(new RegExp(`retires on ${dayFromToday(30)} \\(in (29|30) days\\).*'a8'`));
    expect(logged).toHaveLength(2);

    await orch.send({ messages });
    await orch.send({ messages });
    const used = named('warning').filter((w) => w.code === 'deprecated_model_used');
    expect(used).toEqual([expect.objectContaining({ provider: 'a', model: 'a1', message: expect.stringContaining("'a9'") })]);
    expect(named('warning')).toHaveLength(3);
    expect(orch.registry.get('a', 'a1')).toMatchObject({ deprecated: true, deprecatedAt: dayFromToday(-30), retiresAt: dayFromToday(200), replacement: 'a9' });
    expect(orch.registry.isDeprecated('a', 'a2')).toBe(true);
    expect(orch.registry.isDeprecated('b', 'b1')).toBe(false);
    expect(orch.registry.get('b', 'b9')).toBeUndefined();
  });

  it('applies the shipped lifecycle data by provider type', async () => {
    const claude = new ScriptedProvider('claude', { 'claude-haiku-4-5-20251001': [answer('hi')] });
    const warnings: string[] = [];
    const orch = new LLMOrchestrator(
      {
        active_provider: 'claude',
        providers: { claude: { type: 'anthropic', api_key: 'k', fallback_models: ['claude-3-opus-20240229', 'claude-haiku-4-5-20251001'] } },
      },
      { providers: { claude }, logger: { warn: (message) => warnings.push(message) } },
    );
    await Promise.resolve();
    // claude-3-opus-20240229 retired on 2026-01-05 (Anthropic's deprecations page): skipped by default.
    expect(orch.registry.get('claude', 'claude-3-opus-20240229')).toMatchObject({ deprecated: true, deprecatedAt: '2025-06-30', retiresAt: '2026-01-05' });
    await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'claude-haiku-4-5-20251001' });
    expect(claude.calls.map((call) => call.model)).toEqual(['claude-haiku-4-5-20251001']);
    expect(warnings.filter((message) => message.includes('claude-3-opus-20240229'))).toEqual([expect.stringContaining('retired on 2026-01-05')]);
  });
});

describe('retired models in the chain', () => {
  const retired = { lifecycle: [{ provider: 'a', model: 'a1', retires_at: dayFromToday(-1), replacement: 'a2' }] };

  it('skips them by default with one warning, and still tries one a request names', async () => {
    const a = new ScriptedProvider('a', { a1: [answer('pinned')], a2: [answer('x'), answer('y')] });
    const { orch, named } = orchestratorOver(configWithModels(retired), [a, new ScriptedProvider('b')]);
    await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'a2' });
    await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'a2' });
    expect(a.calls.map((call) => call.model)).toEqual(['a2', 'a2']);
    expect(named('warning').filter((w) => w.code === 'model_retired')).toEqual([
      expect.objectContaining({ provider: 'a', model: 'a1', message: expect.stringMatching(/retired on .*'a2'.*skips it/) }),
    ]);
    expect(named('attempt').map((event) => event.model)).toEqual(['a2', 'a2']);
    await expect(orch.send({ messages, provider: 'a', model: 'a1' })).resolves.toMatchObject({ model: 'a1', content: 'pinned' });
  });

  it('skips them in streams too', async () => {
    const a = new ScriptedProvider('a', { a2: [streamOf(['from ', 'a2'])] });
    const { orch } = orchestratorOver(configWithModels(retired), [a, new ScriptedProvider('b')]);
    const stream = orch.stream({ messages });
    let text = '';
    for await (const chunk of stream) text += chunk.text;
    expect(text).toBe('from a2');
    expect((await stream.response).model).toBe('a2');
    expect(a.calls.map((call) => call.model)).toEqual(['a2']);
  });

  it('fails with the reason when every candidate is retired', async () => {
    const config = configWithModels({ lifecycle: [{ provider: 'a', model: 'a1', retires_at: dayFromToday(-1) }, { provider: 'a', model: 'a2', retires_at: dayFromToday(-1) }] });
    const a = new ScriptedProvider('a');
    const { orch } = orchestratorOver(config, [a, new ScriptedProvider('b')]);
    const error = await orch.send({ messages }).catch((caught: unknown) => caught);
    expect(AllFallbacksFailedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`a (a1 retired on ${dayFromToday(-1)})`);
    expect(a.calls).toEqual([]);
  });

  it('on_retired warn: tries them, with a warning', async () => {
    const a = new ScriptedProvider('a', { a1: [answer('still here')] });
    const { orch, named } = orchestratorOver(configWithModels({ ...retired, on_retired: 'warn' }), [a, new ScriptedProvider('b')]);
    await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'a1' });
    expect(named('warning').filter((w) => w.code === 'model_retired')).toEqual([expect.objectContaining({ model: 'a1', message: expect.stringContaining('still tried') })]);
  });

  it('on_retired error: construction throws a ConfigurationError naming the config path', () => {
    const config = configWithModels(
      { lifecycle: [{ provider: 'openai', model: 'a2', retires_at: '2020-01-01' }, { provider: 'a', model: 'a0', retires_at: '2020-01-01' }], on_retired: 'error' },
      { active_model: 'a0' },
    );
    let caught: unknown;
    try {
      orchestratorOver(config, [new ScriptedProvider('a'), new ScriptedProvider('b')]);
    } catch (error) {
      caught = error;
    }
    expect(ConfigurationError.isInstance(caught)).toBe(true);
    expect((caught as ConfigurationError).issues).toEqual([
      { path: 'active_model', message: expect.stringContaining("model 'a0' of 'a' was retired on 2020-01-01") },
      { path: 'providers.a.fallback_models[1]', message: expect.stringContaining("'a2'") },
    ]);
  });
});

describe('not_found as runtime evidence', () => {
  it('marks the model deprecated with the reason; later requests skip it; a request naming it still tries it', async () => {
    const a = new ScriptedProvider('a', {
      a1: [{ fail: { kind: 'not_found', status: 404, message: 'The model a1 does not exist' } }, answer('back')],
      a2: [answer('first'), answer('second')],
    });
    const { orch, named } = orchestratorOver(configWithModels({}), [a, new ScriptedProvider('b')]);
    await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'a2', content: 'first' });
    expect(orch.registry.get('a', 'a1')).toMatchObject({ deprecated: true, deprecatedAt: expect.any(String), deprecationReason: expect.stringContaining('does not exist') });
    expect(named('warning').filter((w) => w.code === 'model_not_found').map((w) => w.model)).toEqual(['a1']);

    await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'a2', content: 'second' });
    // One paid failure only: the second request went straight to a2.
    expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a2', 'a2']);
    expect(named('warning').filter((w) => w.code === 'deprecated_model_skipped').map((w) => w.model)).toEqual(['a1']);

    // Named explicitly: tried, warned as deprecated, and its success clears the mark.
    await expect(orch.send({ messages, provider: 'a', model: 'a1' })).resolves.toMatchObject({ model: 'a1', content: 'back' });
    expect(named('warning').filter((w) => w.code === 'deprecated_model_used').map((w) => w.model)).toEqual(['a1']);
    expect(orch.registry.isDeprecated('a', 'a1')).toBe(false);
  });

  it('keeps the mark per orchestrator', async () => {
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'not_found', status: 404 } }, answer('fresh')], a2: [answer('x')] });
    const first = orchestratorOver(configWithModels({}), [a, new ScriptedProvider('b')]);
    await first.orch.send({ messages });
    const second = orchestratorOver(configWithModels({}), [a, new ScriptedProvider('b')]);
    expect(second.orch.registry.isDeprecated('a', 'a1')).toBe(false);
    await expect(second.orch.send({ messages })).resolves.toMatchObject({ model: 'a1' });
  });
});

describe('a model that retires while the orchestrator runs', () => {
  it('is skipped under on_retired: error too (start-up only refuses models already retired)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date(`${dayFromToday(0)}T12:00:00Z`));
      const a = new ScriptedProvider('a', { a1: [answer('before')], a2: [answer('a2 instead')] });
      const config = configWithModels({ lifecycle: [{ provider: 'a', model: 'a1', retires_at: dayFromToday(1) }], on_retired: 'error' });
      const { orch, named } = orchestratorOver(config, [a, new ScriptedProvider('b')]);
      await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'a1' });
      vi.setSystemTime(new Date(`${dayFromToday(2)}T12:00:00Z`));
      await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'a2' });
      // a1 is not called again once retired: no paid failed call.
      expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a2']);
      expect(named('warning').find((w) => w.code === 'model_retired')?.message).toContain('skips it');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('not_found marks never empty the whole chain', () => {
  it('tries the marked models again when they are all the chain has, instead of failing without a call', async () => {
    const a = new ScriptedProvider('a', {
      a1: [{ fail: { kind: 'not_found', status: 404 } }, answer('a1 is back')],
      a2: [{ fail: { kind: 'not_found', status: 404 } }],
    });
    const { orch } = orchestratorOver(configWithModels({}), [a, new ScriptedProvider('b')]);
    await expect(orch.send({ messages })).rejects.toBeInstanceOf(AllFallbacksFailedError);
    expect(orch.registry.isDeprecated('a', 'a1')).toBe(true);
    await expect(orch.send({ messages })).resolves.toMatchObject({ model: 'a1', content: 'a1 is back' });
    expect(a.calls.map((call) => call.model)).toEqual(['a1', 'a2', 'a1']);
  });
});

describe('which entries the shipped lifecycle data applies to', () => {
  it('matches by provider type only, and not on another vendor server speaking the OpenAI format', async () => {
    // The shipped data is dated: read it on a fixed day so the test does not age.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T12:00:00Z'));
    const warnings: Array<{ code: string; provider?: string; model?: string }> = [];
    const orch = new LLMOrchestrator(
      {
        active_provider: 'openai',
        cross_provider_fallback: true,
        providers: {
          openai: { api_key: 'k', fallback_models: ['gpt-5-2025-08-07'] },
          // Named like a provider type, but an OpenAI-compatible proxy: Anthropic's dates do not apply.
          anthropic: { type: 'openai', base_url: 'https://proxy.example/v1', api_key: 'k', fallback_models: ['claude-3-opus-20240229'] },
          together: { type: 'openai', base_url: 'https://api.together.xyz/v1', api_key: 'k', fallback_models: ['gpt-5-nano-2025-08-07'] },
          // Named gemini but a Vertex entry: the Gemini API's dates do not apply.
          gemini: { type: 'vertex', project_id: 'p', location: 'us-central1', fallback_models: ['gemini-3-pro-preview'] },
        },
      },
      { logger: { warn() {} } },
    );
    orch.on('warning', (warning) => warnings.push(warning));
    await Promise.resolve();
    const lifecycle = warnings.filter((w) => w.code.startsWith('model_')).map((w) => `${w.code}:${w.provider}/${w.model}`);
    expect(lifecycle).toEqual(['model_retiring:openai/gpt-5-2025-08-07']);
    expect(orch.explain().candidates.filter((c) => !c.willTry).map((c) => `${c.provider}/${c.model}`)).toEqual([]);
    vi.useRealTimers();
  });
});
