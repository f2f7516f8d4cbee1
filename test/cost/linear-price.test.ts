import { describe, expect, it } from 'vitest';
import { findCatalogueModel, linearPrice, loadCatalogue } from '../../src/cost/find-catalogue-model.js';

/** A deterministic spread of usages: every class alone and together, small and large. */
function usages(): Array<{ input: number; output: number; cacheRead: number; cacheWrite: number }> {
  const list = [];
  let seed = 7;
  const next = (limit: number) => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed % limit;
  };
  for (let index = 0; index < 40; index += 1) {
    const cacheRead = index % 3 === 0 ? next(50_000) : 0;
    const cacheWrite = index % 4 === 0 ? next(20_000) : 0;
    list.push({ input: cacheRead + cacheWrite + next(150_000), output: next(30_000), cacheRead, cacheWrite });
  }
  return list;
}

const providers: ReadonlyArray<[string, string]> = [
  ['openai', 'openai'],
  ['anthropic', 'anthropic'],
  ['gemini', 'gemini'],
  ['bedrock', 'bedrock'],
];

describe('flat-rate pricing without calcPrice', () => {
  it('gives what calcPrice gives, for every catalogue model it applies to', () => {
    const catalogue = loadCatalogue();
    let checked = 0;
    for (const [provider, type] of providers) {
      const catalogueId = { openai: 'openai', anthropic: 'anthropic', gemini: 'google', bedrock: 'aws' }[type] as string;
      for (const model of catalogue.findProvider({ providerId: catalogueId })?.models ?? []) {
        const found = findCatalogueModel(provider, type, model.id);
        if (found?.linear === undefined) continue;
        for (const usage of usages()) {
          const expected = catalogue.calcPrice(
            { input_tokens: usage.input, output_tokens: usage.output, cache_read_tokens: usage.cacheRead, cache_write_tokens: usage.cacheWrite },
            model.id,
            { provider: found.pinned },
          )?.total_price;
          expect(linearPrice(found.linear, usage), `${type}/${model.id}`).toBeCloseTo(expected ?? Number.NaN, 12);
        }
        checked += 1;
      }
    }
    // Most chat models are flat-rate: the fast path must not silently stop applying.
    expect(checked).toBeGreaterThan(50);
  });

  it('applies to flat-rate models and not to tiered ones', () => {
    expect(findCatalogueModel('openai', 'openai', 'gpt-4o-mini')?.linear).toEqual({ input: 0.15, output: 0.6, cacheRead: 0.075 });
    expect(findCatalogueModel('anthropic', 'anthropic', 'claude-haiku-4-5-20251001')?.linear).toEqual({ input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 });
    // Long-context tiers past 200k input tokens: priced by calcPrice.
    expect(findCatalogueModel('gemini', 'gemini', 'gemini-2.5-pro')).toBeDefined();
    expect(findCatalogueModel('gemini', 'gemini', 'gemini-2.5-pro')?.linear).toBeUndefined();
    expect(findCatalogueModel('anthropic', 'anthropic', 'claude-sonnet-4-5-20250929')?.linear).toBeUndefined();
  });
});
