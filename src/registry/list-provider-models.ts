import type { BaseLLMProvider } from '../spec/base-llm-provider.js';
import type { ProviderModelListing } from '../spec/provider-model-listing.js';

/**
 * A provider's models for the registry: `listModelDetails()` when the adapter has it (one
 * request, lifecycle included), else the ids of `listModels()` with nothing said of their
 * lifecycle. Wire it as `ModelRegistryOptions.listModels`.
 */
export async function listProviderModels(provider: BaseLLMProvider): Promise<ProviderModelListing[]> {
  if (typeof provider.listModelDetails === 'function') return provider.listModelDetails();
  return (await provider.listModels()).map((id) => ({ id }));
}
