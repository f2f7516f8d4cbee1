import type { UsageRecord } from '../cost/usage-record.js';
import type { ProviderError } from '../errors/provider-error.js';

/** The payload of every event `LLMOrchestrator.on` can listen to. */
export interface OrchestratorEvents {
  /** An attempt is about to start. */
  attempt: { requestId: string; attempt: number; provider: string; model: string };
  /** The same model will be tried again after `delayMs`. */
  retry: { requestId: string; attempt: number; provider: string; model: string; delayMs: number; error: ProviderError };
  /** The chain moves on to the next candidate. */
  fallback: {
    requestId: string;
    from: { provider: string; model: string };
    to: { provider: string; model: string };
    error: ProviderError;
  };
  /** A cost record was written for an attempt. */
  usage: { record: UsageRecord };
  /** Something to know that did not fail the call; emitted once per (code, provider, model). */
  warning: { code: string; message: string; provider?: string; model?: string };
}

/** Names of the events of {@link OrchestratorEvents}. */
export type OrchestratorEventName = keyof OrchestratorEvents;
