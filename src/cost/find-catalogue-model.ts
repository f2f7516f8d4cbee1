import type { calcPrice, ModelPrice, Provider } from '@pydantic/genai-prices';
import { lazyRequire } from '../internal/lazy-require.js';

/**
 * The `@pydantic/genai-prices` catalogue, loaded on the first price lookup (it costs tens of
 * milliseconds: a program that never prices anything does not pay for it).
 */
export const loadCatalogue = lazyRequire<typeof import('@pydantic/genai-prices')>('@pydantic/genai-prices');

/** A catalogue model found once, ready to price without searching the catalogue again. */
export interface CatalogueModel {
  /**
   * The catalogue provider reduced to the one model that matched: handing this to `calcPrice`
   * as its `provider` option skips the search through every provider and model.
   */
  pinned: Provider;
  /** Per-1M cache rates at lookup time (a tiered rate's base), used under price overrides. */
  cacheReadMtok?: number;
  cacheWriteMtok?: number;
  /**
   * Set when the model's price is one flat rate per token class (no long-context tiers, no
   * time-bound prices, nothing billed per request) and {@link linearPrice} was checked to give
   * what `calcPrice` gives: the price is then computed here, without `calcPrice`'s per-call
   * validation (which costs 10 to 20 µs an attempt).
   */
  linear?: LinearRates;
}

/** USD per 1M tokens of each class; a class without its own rate is billed as input. */
export interface LinearRates {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** The token counts {@link linearPrice} prices; `input` includes the cached parts. */
export interface LinearUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** USD of `usage` at flat `rates`, the way the catalogue bills it. */
export function linearPrice(rates: LinearRates, usage: LinearUsage): number {
  let uncached = usage.input;
  let cost = usage.output * rates.output;
  if (rates.cacheRead !== undefined) {
    uncached -= usage.cacheRead;
    cost += usage.cacheRead * rates.cacheRead;
  }
  if (rates.cacheWrite !== undefined) {
    uncached -= usage.cacheWrite;
    cost += usage.cacheWrite * rates.cacheWrite;
  }
  return (cost + uncached * rates.input) / 1_000_000;
}

/** Our provider types and the catalogue's ids for them. */
const catalogueIdByType: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'google',
  vertex: 'google',
  bedrock: 'aws',
};

/**
 * The catalogue provider id to price an entry with. An `openai`-type entry is often another
 * vendor's OpenAI-compatible endpoint (`groq`, `together`, `deepseek`): when the catalogue
 * knows the entry name, that vendor's prices apply, and only theirs (a model they do not list is
 * unpriced rather than priced at OpenAI's rate). Types we do not ship (user adapters) try the
 * entry name, then the type name.
 */
export function catalogueProviderId(providerName: string, providerType: string): string | undefined {
  const mapped = catalogueIdByType[providerType];
  if (mapped !== undefined && providerType !== 'openai') return mapped;
  const { findProvider } = loadCatalogue();
  const byName = findProvider({ providerId: providerName });
  if (byName) return byName.id;
  return mapped ?? findProvider({ providerId: providerType })?.id;
}

/** Finds a model in the catalogue; `undefined` when the catalogue does not price it. */
export function findCatalogueModel(providerName: string, providerType: string, model: string): CatalogueModel | undefined {
  const providerId = catalogueProviderId(providerName, providerType);
  if (providerId === undefined) return undefined;
  // Outside the `try`: a catalogue that cannot be loaded is a ConfigurationError, not "unpriced".
  const catalogue = loadCatalogue();
  let found: ReturnType<typeof calcPrice>;
  try {
    found = catalogue.calcPrice({ input_tokens: 1, output_tokens: 1 }, model, { providerId });
  } catch {
    return undefined;
  }
  if (!found) return undefined;
  const { provider, model: modelInfo, model_price: modelPrice } = found;
  const pinned: Provider = { id: provider.id, name: provider.name, api_pattern: provider.api_pattern, models: [modelInfo] };
  const linear = Array.isArray(modelInfo.prices) ? undefined : flatRates(modelPrice);
  return {
    pinned,
    cacheReadMtok: baseRate(modelPrice, 'cache_read_mtok'),
    cacheWriteMtok: baseRate(modelPrice, 'cache_write_mtok'),
    ...(linear !== undefined && agreesWithCatalogue(linear, pinned, model) ? { linear } : {}),
  };
}

/** Price keys a usage of ours never fills (tools, audio, one-hour cache writes): they add 0. */
const unusedPriceKeys = /(_kcount|audio_.*_mtok|_audio_mtok|cache_write_1h_mtok)$/;

/** The flat per-class rates, when every rate is one number and nothing else is billed. */
function flatRates(modelPrice: ModelPrice): LinearRates | undefined {
  const rates: Partial<Record<string, number>> = {};
  for (const [key, value] of Object.entries(modelPrice)) {
    if (value === undefined || unusedPriceKeys.test(key)) continue;
    if (typeof value !== 'number') return undefined;
    rates[key] = value;
  }
  const { input_mtok: input, output_mtok: output, cache_read_mtok: cacheRead, cache_write_mtok: cacheWrite, ...others } = rates;
  if (input === undefined || output === undefined || Object.keys(others).length > 0) return undefined;
  return { input, output, ...(cacheRead !== undefined ? { cacheRead } : {}), ...(cacheWrite !== undefined ? { cacheWrite } : {}) };
}

/** Usages that tell a wrong reading of the catalogue's billing apart: every class, and each alone. */
const probes: readonly LinearUsage[] = [
  { input: 1_234_567, output: 765_432, cacheRead: 111_111, cacheWrite: 22_222 },
  { input: 1_000, output: 0, cacheRead: 0, cacheWrite: 0 },
  { input: 0, output: 999, cacheRead: 0, cacheWrite: 0 },
  { input: 5_000, output: 1, cacheRead: 5_000, cacheWrite: 0 },
  { input: 5_000, output: 1, cacheRead: 0, cacheWrite: 5_000 },
];

/** Whether {@link linearPrice} gives what `calcPrice` gives for every probe (to 1e-12 relative). */
function agreesWithCatalogue(rates: LinearRates, pinned: Provider, model: string): boolean {
  const { calcPrice } = loadCatalogue();
  for (const probe of probes) {
    let expected: number | undefined;
    try {
      expected = calcPrice(
        { input_tokens: probe.input, output_tokens: probe.output, cache_read_tokens: probe.cacheRead, cache_write_tokens: probe.cacheWrite },
        model,
        { provider: pinned },
      )?.total_price;
    } catch {
      return false;
    }
    if (expected === undefined || Math.abs(linearPrice(rates, probe) - expected) > 1e-12 * Math.max(1, expected)) return false;
  }
  return true;
}

function baseRate(modelPrice: ModelPrice, key: string): number | undefined {
  const rate = modelPrice[key];
  if (typeof rate === 'number') return rate;
  return rate?.base;
}
