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
  /**
   * A target starts cooling down (circuit breaker): calls skip it until `until`. `reason`:
   * `failures` (`circuit_breaker.failure_threshold` consecutive retryable failures),
   * `retry-after` (a retry-after longer than `retry.max_retry_after_ms`), `trial-failed` (the
   * one trial request after a cool-down failed). Emitted again when a cool-down is extended.
   */
  'circuit-open': {
    provider: string;
    model: string;
    until: Date;
    reason: 'failures' | 'retry-after' | 'trial-failed';
    /** Consecutive retryable failures counted so far. */
    failures: number;
    /** The failure that opened it. */
    error: ProviderError;
  };
  /** A target's trial request after its cool-down succeeded: calls use it again. */
  'circuit-close': { provider: string; model: string };
  /** Something to know that did not fail the call; emitted once per (code, provider, model). */
  warning: { code: string; message: string; provider?: string; model?: string };
}

/** Names of the events of {@link OrchestratorEvents}. */
export type OrchestratorEventName = keyof OrchestratorEvents;
