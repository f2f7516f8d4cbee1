import type { ChatMessage } from './chat-request.js';

/** What the orchestrator hands an adapter for one attempt. */
export interface ProviderRequest {
  /** The model id to call, as the provider knows it. */
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
  /**
   * Aborts the attempt: the caller's signal, the call's deadline, or a consumer that stopped
   * reading a stream. Adapters pass it to the SDK and report the abort as kind `aborted`.
   */
  signal: AbortSignal;
  /** Extra fields for this provider's request body (already picked for this provider). */
  providerOptions?: Record<string, unknown>;
}
