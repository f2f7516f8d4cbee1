import type { ModelPriceOverride, PricingOverrides } from '../config/normalized-config.js';
import type { Usage } from '../spec/usage.js';
import { CATALOGUE_PRICE_SOURCE, OVERRIDE_PRICE_SOURCE } from './catalogue-version.js';
import { findCatalogueModel, linearPrice, loadCatalogue, type CatalogueModel } from './find-catalogue-model.js';
import { priceWithOverride } from './price-with-override.js';
import { roundUsd } from './round-usd.js';

/** Options of {@link PriceBook}. */
export interface PriceBookOptions {
  /**
   * `cost_tracking.pricing`: provider entry name or provider type -> model id -> USD per 1M tokens.
   * @default {}
   */
  overrides?: PricingOverrides;
}

/** What to price: one attempt's usage on one model of one provider entry. */
export interface PriceInput {
  /** The provider entry name (the key under `providers`). */
  provider: string;
  /** The entry's type (`openai`, `anthropic`, `gemini`, `bedrock`, `vertex`, or a user adapter's). */
  providerType: string;
  model: string;
  usage: Usage;
  /** When the attempt ran; picks time-bound catalogue prices. @default new Date() */
  timestamp?: Date;
}

/** A priced attempt: `costUsd` is `null` when nothing prices the model. */
export interface PriceResult {
  /** USD rounded to 1e-10; `null` when unpriced. */
  costUsd: number | null;
  /** `override`, `catalogue@<version>`, or `''` when unpriced. */
  priceSource: string;
}

interface Resolution {
  override?: ModelPriceOverride;
  catalogue?: CatalogueModel;
}

/** Distinct (provider, model) pairs kept; past this the cache starts over (model ids are user input). */
const MAX_CACHED_RESOLUTIONS = 1000;

/**
 * Prices attempts: an override under the entry name wins, then one under the provider type,
 * then the `@pydantic/genai-prices` catalogue. Synchronous; each (entry, type, model) is looked
 * up once and cached. Never throws for an unknown model: that is `{ costUsd: null,
 * priceSource: '' }`, except that an attempt with no tokens at all costs 0 (nothing was billed).
 */
export class PriceBook {
  readonly #overrides: PricingOverrides;
  readonly #resolutions = new Map<string, Resolution>();
  /** The resolution asked for last, with what it was asked for. */
  #last: { provider: string; providerType: string; model: string; resolution: Resolution } | undefined;

  constructor(options: PriceBookOptions = {}) {
    this.#overrides = options.overrides ?? {};
  }

  /** Prices one attempt. */
  price(input: PriceInput): PriceResult {
    const usage = sanitizeUsage(input.usage);
    const resolution = this.#resolve(input.provider, input.providerType, input.model);
    const nothingBilled =
      usage.inputTokens === 0 && usage.outputTokens === 0 && usage.cacheReadTokens === 0 && usage.cacheWriteTokens === 0;
    if (resolution.override) {
      const cost = nothingBilled ? 0 : priceWithOverride(resolution.override, usage, resolution.catalogue);
      return { costUsd: roundUsd(cost), priceSource: OVERRIDE_PRICE_SOURCE };
    }
    if (resolution.catalogue) {
      // A zero-token attempt would still pay a per-request fee in the catalogue; it was never billed.
      if (nothingBilled) return { costUsd: 0, priceSource: CATALOGUE_PRICE_SOURCE };
      const cost = priceFromCatalogue(resolution.catalogue, input.model, usage, input.timestamp);
      if (cost !== undefined) return { costUsd: roundUsd(cost), priceSource: CATALOGUE_PRICE_SOURCE };
    }
    return { costUsd: nothingBilled ? 0 : null, priceSource: '' };
  }

  #resolve(provider: string, providerType: string, model: string): Resolution {
    // Most attempts in a row go to the same model: skip building the key for those.
    const last = this.#last;
    if (last !== undefined && last.model === model && last.provider === provider && last.providerType === providerType) return last.resolution;
    const key = `${provider}\u0000${providerType}\u0000${model}`;
    const cached = this.#resolutions.get(key);
    if (cached) {
      this.#last = { provider, providerType, model, resolution: cached };
      return cached;
    }
    const resolution: Resolution = {
      override: ownEntry(ownEntry(this.#overrides, provider), model) ?? ownEntry(ownEntry(this.#overrides, providerType), model),
      catalogue: findCatalogueModel(provider, providerType, model),
    };
    if (this.#resolutions.size >= MAX_CACHED_RESOLUTIONS) this.#resolutions.clear();
    this.#resolutions.set(key, resolution);
    this.#last = { provider, providerType, model, resolution };
    return resolution;
  }
}

function priceFromCatalogue(catalogue: CatalogueModel, model: string, usage: Usage, timestamp?: Date): number | undefined {
  // The catalogue wants all input, its cached parts included; an adapter that forgot to add
  // cache reads back in must not make the catalogue reject the usage.
  const input = Math.max(usage.inputTokens, usage.cacheReadTokens + usage.cacheWriteTokens);
  if (catalogue.linear) {
    return linearPrice(catalogue.linear, { input, output: usage.outputTokens, cacheRead: usage.cacheReadTokens, cacheWrite: usage.cacheWriteTokens });
  }
  try {
    const result = loadCatalogue().calcPrice(
      {
        input_tokens: input,
        output_tokens: usage.outputTokens,
        cache_read_tokens: usage.cacheReadTokens,
        cache_write_tokens: usage.cacheWriteTokens,
      },
      model,
      { provider: catalogue.pinned, timestamp },
    );
    return result?.total_price;
  } catch {
    return undefined;
  }
}

/** Reads `record[key]` only when it is the record's own key (a model named `constructor` is not a price). */
function ownEntry<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function sanitizeUsage(usage: Usage): Usage {
  return {
    inputTokens: toCount(usage.inputTokens),
    outputTokens: toCount(usage.outputTokens),
    totalTokens: toCount(usage.totalTokens),
    cacheReadTokens: toCount(usage.cacheReadTokens),
    cacheWriteTokens: toCount(usage.cacheWriteTokens),
    reasoningTokens: toCount(usage.reasoningTokens),
  };
}

function toCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
