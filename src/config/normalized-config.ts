import type { Secret } from './secret.js';

/** The provider types this package ships adapters for. */
export type ProviderType = 'openai' | 'anthropic' | 'gemini' | 'bedrock' | 'vertex';

/** Per 1M tokens, in USD. `cache_read`/`cache_write` default to the catalogue's or `input`. */
export interface ModelPriceOverride {
  input: number;
  output: number;
  cache_read?: number;
  cache_write?: number;
}

/** `cost_tracking.pricing`: provider entry name or type -> model id -> price. */
export type PricingOverrides = Record<string, Record<string, ModelPriceOverride>>;

/** One provider entry after validation, `${VAR}` resolution and defaults. */
export interface NormalizedProviderConfig {
  /** The entry's key under `providers`. */
  name: string;
  /** One of {@link ProviderType}, or any string for an entry served by a user-supplied adapter. */
  type: ProviderType | (string & {});
  /** False when its credentials resolved to nothing; the chain skips it. */
  available: boolean;
  /** Why it is unavailable (never contains a secret). */
  unavailableReason?: string;
  fallbackModels: string[];
  apiKey?: Secret;
  baseUrl?: string;
  /** gemini: `generative-ai` (default) | `genai`; vertex: `vertexai` (default) | `genai`. */
  sdk?: 'generative-ai' | 'genai' | 'vertexai';
  /** bedrock */
  region?: string;
  controlBaseUrl?: string;
  awsAccessKeyId?: Secret;
  awsSecretAccessKey?: Secret;
  awsSessionToken?: Secret;
  /** vertex */
  projectId?: string;
  location?: string;
  credentialsPath?: string;
}

/** The configuration with defaults applied: what the orchestrator reads. */
export interface NormalizedConfig {
  activeProvider: string;
  /** `active_model`, else the first of the active provider's `fallback_models`. */
  activeModel: string;
  crossProviderFallback: boolean;
  /** Every provider entry name, in fallback order (`provider_order` first, then file order). */
  providerOrder: string[];
  providers: Record<string, NormalizedProviderConfig>;
  retry: {
    /** Attempts per model, the first included. @default 2 */
    maxAttempts: number;
    /** Backoff base. @default 500 */
    initialDelayMs: number;
    /** Backoff cap. @default 8000 */
    maxDelayMs: number;
    /** A provider retry-after longer than this moves on to the next candidate. @default 30000 */
    maxRetryAfterMs: number;
    /** Attempts per call across retries and fallbacks, the first included. @default 6 */
    maxTotalAttempts: number;
  };
  /** Stream deadlines per attempt; absent: no limit. */
  timeouts: {
    /** From an attempt's start to its first text, in ms. */
    firstChunkTimeoutMs?: number;
    /** Longest gap between two stream events, in ms. */
    idleTimeoutMs?: number;
  };
  /** Cool-downs per (provider, model). */
  circuitBreaker: {
    /** @default true */
    enabled: boolean;
    /** Consecutive retryable failures that open a circuit. @default 5 */
    failureThreshold: number;
    /** How long an open circuit skips its target. @default 30000 */
    cooldownMs: number;
  };
  costTracking: {
    /** @default true */
    enabled: boolean;
    /** The JSONL ledger; none when absent. */
    logPath?: string;
    sinks: Array<{ type: 'csv' | 'jsonl'; path: string }>;
    pricing: PricingOverrides;
    /** The most records the tracker keeps in memory; unlimited when absent. */
    maxRecordsInMemory?: number;
    /** Whether JSONL ledgers get an index (`<path>.idx`). @default true */
    ledgerIndex: boolean;
  };
  /** Present only when the config has `models` (the orchestrator defaults it otherwise). */
  models?: NormalizedModelsConfig;
}

/** An announced deprecation or retirement (dates YYYY-MM-DD). */
export interface LifecycleEntry {
  /** A provider type, or a provider entry name. */
  provider: string;
  model: string;
  deprecatedAt?: string;
  retiresAt?: string;
  replacement?: string;
  /** Where the dates come from. */
  source?: string;
}

/** What the chain does with a model past its retirement date. */
export type OnRetired = 'skip' | 'warn' | 'error';

/** `models`, normalized. */
export interface NormalizedModelsConfig {
  /** The config's own entries (the shipped data is merged by the registry). */
  lifecycle: LifecycleEntry[];
  /** @default 'skip' */
  onRetired: OnRetired;
  /** Absolute path of the registry cache file; none keeps the registry in memory. */
  cachePath?: string;
}

/** A problem that does not stop the orchestrator (a provider whose key resolved to nothing). */
export interface ConfigWarning {
  code: string;
  message: string;
  provider?: string;
}
