import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { LLMOrchestrator } from '../../src/llm-orchestrator.js';
import { orchestratorOver, twoProviderConfig } from '../support/orchestrator-fixture.js';
import { answer, ScriptedProvider } from '../support/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];

afterEach(() => {
  vi.useRealTimers();
});

describe('orch.explain(request?)', () => {
  it('lists the resolved chain in order, every candidate tried by default', () => {
    const { orch } = orchestratorOver(twoProviderConfig({ cross_provider_fallback: true }), [new ScriptedProvider('a'), new ScriptedProvider('b')]);
    expect(orch.explain()).toEqual({
      candidates: [
        { provider: 'a', model: 'a1', willTry: true, detail: 'available', deprecated: false, circuit: 'closed' },
        { provider: 'a', model: 'a2', willTry: true, detail: 'available', deprecated: false, circuit: 'closed' },
        { provider: 'b', model: 'b1', willTry: true, detail: 'available', deprecated: false, circuit: 'closed' },
      ],
    });
    expect(orch.explain({ provider: 'b' }).candidates.map((candidate) => candidate.model)).toEqual(['b1']);
    expect(orch.explain({ model: 'a9' }).candidates.map((candidate) => `${candidate.provider}/${candidate.model}`)).toEqual(['a/a9']);
    expect(() => orch.explain({ provider: 'nope' })).toThrow(ConfigurationError);
  });

  it('says why a candidate is skipped: provider unavailable, model retired, model marked not_found, cooling down', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-23T12:00:00.000Z'));
    const a = new ScriptedProvider('a', { a1: [{ fail: { kind: 'rate_limit', status: 429, retryAfterMs: 120_000 } }, { fail: { kind: 'not_found', status: 404 } }] });
    const config = twoProviderConfig({
      active_provider: 'a',
      active_model: 'a0',
      cross_provider_fallback: true,
      providers: {
        a: { type: 'openai', api_key: 'sk-a-secret', base_url: 'http://127.0.0.1:9/v1', fallback_models: ['a1', 'a2', 'a3'] },
        b: { type: 'openai', api_key: '${MISSING_B_KEY}', fallback_models: ['b1'] },
      },
      models: { lifecycle: [{ provider: 'a', model: 'a2', retires_at: '2026-01-01' }, { provider: 'a', model: 'a3', deprecated_at: '2026-02-01' }] },
    });
    a.script('a0', { fail: { kind: 'not_found', status: 404 } });
    a.script('a3', answer('a3'));
    const orch = new LLMOrchestrator(config, { providers: { a, b: new ScriptedProvider('b') }, logger: { warn: () => undefined }, env: {} });
    // a0 answers not_found (marked), a1 gives a retry-after past the cap (cools down), a2 is retired, a3 answers.
    await orch.send({ messages });
    const { candidates } = orch.explain();
    expect(candidates.map(({ provider, model, willTry, skipReason }) => [provider, model, willTry, skipReason])).toEqual([
      ['a', 'a0', false, 'model_not_found'],
      ['a', 'a1', false, 'cooling_down'],
      ['a', 'a2', false, 'model_retired'],
      ['a', 'a3', true, undefined],
      ['b', 'b1', false, 'provider_unavailable'],
    ]);
    expect(candidates[1]).toMatchObject({ circuit: 'open', coolingDownUntil: new Date('2026-11-23T12:02:00.000Z') });
    expect(candidates[2]?.detail).toContain('retired on 2026-01-01');
    expect(candidates[3]).toMatchObject({ deprecated: true, detail: 'available (deprecated: tried with a warning)' });
    expect(candidates[4]?.detail).toContain('MISSING_B_KEY');
    // Naming the model tries it anyway: no model-policy skip for an explicit model.
    expect(orch.explain({ provider: 'a', model: 'a0' }).candidates).toEqual([expect.objectContaining({ willTry: true })]);
    // After the cool-down, the next call would make the one trial request; explain takes none.
    vi.setSystemTime(new Date('2026-11-23T12:02:00.000Z'));
    expect(orch.explain().candidates[1]).toMatchObject({ willTry: true, circuit: 'half-open' });
    expect(orch.explain().candidates[1]).toMatchObject({ willTry: true, circuit: 'half-open' });
  });
});
