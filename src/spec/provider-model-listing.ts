/**
 * One model of a provider's list, with what the listing itself says of its lifecycle
 * (Bedrock's `modelLifecycle`). Returned by the optional `BaseLLMProvider.listModelDetails()`.
 */
export interface ProviderModelListing {
  /** The id a request uses (the same ids `listModels()` returns). */
  id: string;
  /**
   * The provider's own lifecycle status. `legacy`: still served, but moved toward retirement
   * (the registry shows it as deprecated). `active` or absent: the listing announces nothing.
   */
  lifecycle?: 'active' | 'legacy';
  /** Why it is legacy, in words for a warning (`Bedrock lists it as LEGACY`). Only with `legacy`. */
  lifecycleReason?: string;
  /** UTC date (YYYY-MM-DD) the provider says the model became legacy, when it says. */
  legacySince?: string;
  /** UTC date (YYYY-MM-DD) the provider says it stops serving the model, when it says. */
  retiresAt?: string;
}
