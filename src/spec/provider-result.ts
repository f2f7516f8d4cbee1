import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

/** The outcome of one successful non-streaming attempt. */
export interface ProviderResult {
  content: string;
  finishReason: FinishReason;
  /** Usage as the provider reported it; `undefined` when it reported none (then it is estimated). */
  usage?: Usage;
  /** The model id the provider says answered, when it says one. */
  responseModel?: string;
}
