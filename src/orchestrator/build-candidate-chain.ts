import type { NormalizedConfig } from '../config/normalized-config.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { Candidate } from './candidate.js';

/** The chain of one call, and the providers left out of it with the reason. */
export interface CandidateChain {
  candidates: Candidate[];
  skipped: Array<{ provider: string; reason: string }>;
  /** Every model of the chain in order, those of unavailable providers included (with the reason). */
  all: Array<{ candidate: Candidate; unavailableReason?: string }>;
}

/**
 * The candidates of one call, in order (API.md, "Fallback"): the pinned target if the request
 * pins one; else the active provider's models (`active_model` first, then `fallback_models`);
 * then, only with `cross_provider_fallback`, each other provider's models in `provider_order`.
 * Unavailable providers are left out and reported in `skipped`.
 *
 * @throws ConfigurationError when the request pins a provider the config does not have.
 */
export function buildCandidateChain(config: NormalizedConfig, pin: { provider?: string; model?: string }): CandidateChain {
  if (pin.provider !== undefined || pin.model !== undefined) return buildChain(config, pin);
  // The chain of a call that pins nothing depends on the config alone: built once per config
  // (most calls pin nothing), frozen since every such call shares it.
  let chain = unpinnedChains.get(config);
  if (chain === undefined) {
    chain = deepFreeze(buildChain(config, pin));
    unpinnedChains.set(config, chain);
  }
  return chain;
}

/** The chain of calls that pin nothing, per config object. */
const unpinnedChains = new WeakMap<NormalizedConfig, CandidateChain>();

function deepFreeze(chain: CandidateChain): CandidateChain {
  for (const candidate of chain.candidates) Object.freeze(candidate);
  for (const entry of chain.skipped) Object.freeze(entry);
  for (const entry of chain.all) Object.freeze(Object.freeze(entry).candidate);
  Object.freeze(chain.candidates);
  Object.freeze(chain.skipped);
  Object.freeze(chain.all);
  return Object.freeze(chain);
}

function buildChain(config: NormalizedConfig, pin: { provider?: string; model?: string }): CandidateChain {
  const skipped: CandidateChain['skipped'] = [];
  const candidates: Candidate[] = [];
  const all: CandidateChain['all'] = [];

  const add = (provider: string, models: readonly string[]) => {
    const entry = config.providers[provider];
    if (!entry) return;
    const unavailableReason = entry.available ? undefined : (entry.unavailableReason ?? 'unavailable');
    if (unavailableReason !== undefined) skipped.push({ provider, reason: unavailableReason });
    const seen = new Set<string>();
    for (const model of models) {
      if (seen.has(model)) continue;
      seen.add(model);
      all.push({ candidate: { provider, model }, ...(unavailableReason !== undefined ? { unavailableReason } : {}) });
      if (unavailableReason === undefined) candidates.push({ provider, model });
    }
  };

  if (pin.provider !== undefined) {
    const entry = config.providers[pin.provider];
    if (!entry) {
      const known = Object.keys(config.providers).join(', ');
      throw new ConfigurationError([{ path: 'request.provider', message: `unknown provider '${pin.provider}' (configured: ${known})` }]);
    }
    if (pin.model !== undefined) add(pin.provider, [pin.model]);
    else add(pin.provider, modelsOf(config, pin.provider));
    return { candidates, skipped, all };
  }

  if (pin.model !== undefined) {
    add(config.activeProvider, [pin.model]);
    return { candidates, skipped, all };
  }

  add(config.activeProvider, modelsOf(config, config.activeProvider));
  if (config.crossProviderFallback) {
    for (const provider of config.providerOrder) {
      if (provider !== config.activeProvider) add(provider, modelsOf(config, provider));
    }
  }
  return { candidates, skipped, all };
}

function modelsOf(config: NormalizedConfig, provider: string): string[] {
  const models = config.providers[provider]?.fallbackModels ?? [];
  return provider === config.activeProvider ? [config.activeModel, ...models] : models;
}
