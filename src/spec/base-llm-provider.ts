import type { ProviderModelListing } from './provider-model-listing.js';
import type { ProviderRequest } from './provider-request.js';
import type { ProviderResult } from './provider-result.js';
import type { ProviderStreamEvent } from './provider-stream-event.js';

/**
 * A provider adapter: one attempt per call, no retries and no fallback inside (the SDK's own
 * retries are set to zero). Users can implement it and register instances through
 * `OrchestratorOptions.providers`.
 *
 * Failures are thrown as `ProviderError` with the `kind` that decides retry and fallback; any
 * other thrown value is treated as kind `unknown`.
 */
export interface BaseLLMProvider {
  /** The provider entry's name in the config (`openai`, `together`...). */
  readonly name: string;
  /** The provider type (`openai`, `anthropic`, `gemini`, `bedrock`, `vertex`, or your own). */
  readonly type: string;
  doSend(request: ProviderRequest): Promise<ProviderResult>;
  doStream(request: ProviderRequest): AsyncIterable<ProviderStreamEvent>;
  /** Base model ids the provider serves now (fine-tuned models left out). */
  listModels(): Promise<string[]>;
  /**
   * Optional: the same models as {@link listModels}, each with what the provider's listing says
   * of its lifecycle (Bedrock: `modelLifecycle.status` ACTIVE or LEGACY). When an adapter has
   * it, the model registry calls it instead of `listModels()` and shows a `legacy` model as
   * deprecated with the listing's reason; an adapter without it keeps working as before.
   */
  listModelDetails?(): Promise<ProviderModelListing[]>;
  /** Whether `model` answers a minimal request. */
  validateModel(model: string): Promise<boolean>;
}
