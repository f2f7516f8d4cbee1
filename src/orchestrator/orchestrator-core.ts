import type { NormalizedConfig } from '../config/normalized-config.js';
import type { BaseLLMProvider } from '../spec/base-llm-provider.js';
import type { TypedEmitter } from '../internal/typed-emitter.js';
import type { ModelPolicy } from '../registry/model-policy.js';
import type { AttemptRecorder } from './attempt-recorder.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { OrchestratorEvents } from './orchestrator-events.js';

/** What the send and stream paths need from the orchestrator that owns them. */
export interface OrchestratorCore {
  config: NormalizedConfig;
  provider(name: string): BaseLLMProvider;
  recorder: AttemptRecorder;
  /** Deprecated and retired models: which candidates to skip, what a `not_found` teaches. */
  models: ModelPolicy;
  /** Cool-downs per (provider, model), shared by every call. */
  circuits: CircuitBreaker;
  events: TypedEmitter<OrchestratorEvents>;
  warn(code: string, message: string, provider?: string, model?: string): void;
  /** Removes every configured secret from a text (messages of errors we did not classify). */
  redact(text: string): string;
  /** Source of randomness for backoff jitter. @default Math.random */
  random: () => number;
}
