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
  let found: ReturnType<typeof calcPrice>;
  try {
    found = loadCatalogue().calcPrice({ input_tokens: 1, output_tokens: 1 }, model, { providerId });
  } catch {
    return undefined;
  }
  if (!found) return undefined;
  const { provider, model: modelInfo, model_price: modelPrice } = found;
  return {
    pinned: { id: provider.id, name: provider.name, api_pattern: provider.api_pattern, models: [modelInfo] },
    cacheReadMtok: baseRate(modelPrice, 'cache_read_mtok'),
    cacheWriteMtok: baseRate(modelPrice, 'cache_write_mtok'),
  };
}

function baseRate(modelPrice: ModelPrice, key: string): number | undefined {
  const rate = modelPrice[key];
  if (typeof rate === 'number') return rate;
  return rate?.base;
}
