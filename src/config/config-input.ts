import type { ProviderType } from './normalized-config.js';

/**
 * One entry under `providers`. Its type is its key (`providers.openai` is an `openai` entry)
 * unless `type` says otherwise, so several entries may share a type. Which keys a type takes is
 * checked: `api_key` only for openai/anthropic/gemini, `aws_*`, `region` and `control_base_url`
 * only for bedrock, `project_id`, `location` and `credentials_path` only for vertex.
 *
 * Every string may hold `${VAR}` or `${VAR:-default}` (the default when VAR is unset or empty),
 * resolved from the environment (`$${` writes a literal `${`). An unset or empty `${VAR}`
 * without a default in a credential (`api_key`, `aws_*`) marks the provider unavailable with a
 * warning; anywhere else an unset variable without a default is an error. An empty credential
 * counts as absent.
 */
export interface ProviderEntryInput {
  /**
   * The provider type. Needed only when the key is not a type name. Any name is allowed for an
   * entry served by a user-supplied adapter (the orchestrator's `providers` option).
   * @default the entry's key
   * @example 'openai' // for an entry named `together` pointing at an OpenAI-compatible server
   */
  type?: ProviderType | (string & {}) | undefined;
  /**
   * The API key (openai, anthropic, gemini). Missing or empty: the provider is unavailable
   * (skipped, with a warning), except an `openai` entry with a `base_url`, which may need none.
   * @example '${OPENAI_API_KEY}'
   */
  api_key?: string | undefined;
  /**
   * The models to try, in order, after `active_model`. At least one.
   * @example ['gpt-4o-mini', 'gpt-4o']
   */
  fallback_models: string[];
  /**
   * An http(s) URL: what the SDK takes as its base (OpenAI including `/v1`; Anthropic and
   * Gemini the API root; Bedrock the runtime endpoint; Vertex `https://host[:port]`, no path).
   * @default the SDK's own endpoint
   */
  base_url?: string | undefined;
  /**
   * Which Google SDK to use. gemini: `generative-ai` (`@google/generative-ai`) or `genai`
   * (`@google/genai`); vertex: `vertexai` (`@google-cloud/vertexai`) or `genai`.
   * @default 'generative-ai' for gemini, 'vertexai' for vertex
   */
  sdk?: 'generative-ai' | 'genai' | 'vertexai' | undefined;
  /**
   * bedrock (required): the AWS region.
   * @example 'us-east-1'
   */
  region?: string | undefined;
  /**
   * bedrock: the control-plane endpoint used to list models (http(s) URL).
   * @default the SDK's endpoint for `region`
   */
  control_base_url?: string | undefined;
  /**
   * bedrock: static credentials. Without them the AWS credential chain is used.
   * @default the AWS credential chain
   */
  aws_access_key_id?: string | undefined;
  /** bedrock: goes with `aws_access_key_id`. */
  aws_secret_access_key?: string | undefined;
  /** bedrock: optional session token for temporary credentials. */
  aws_session_token?: string | undefined;
  /**
   * vertex (required): the Google Cloud project id.
   * @example 'my-project'
   */
  project_id?: string | undefined;
  /**
   * vertex (required): the Google Cloud location.
   * @example 'us-central1'
   */
  location?: string | undefined;
  /**
   * vertex: a Google credential file (any kind google-auth-library accepts). A relative path
   * resolves against the working directory at load time (the same rule for a YAML file and
   * an object).
   * @default Application Default Credentials
   */
  credentials_path?: string | undefined;
}

/** `retry`: how often and how patiently one model is retried before moving on. */
export interface RetryInput {
  /**
   * Attempts per model for retryable errors, the first included (1 = no retry). An integer >= 1.
   * @default 2
   */
  max_attempts?: number | undefined;
  /**
   * Backoff before the first retry in milliseconds; later retries wait longer, up to `max_delay_ms`.
   * @default 500
   */
  initial_delay_ms?: number | undefined;
  /**
   * Backoff cap in milliseconds; at least `initial_delay_ms`.
   * @default 8000
   */
  max_delay_ms?: number | undefined;
  /**
   * A provider's retry-after longer than this (ms) moves on to the next candidate instead.
   * @default 30000
   */
  max_retry_after_ms?: number | undefined;
  /**
   * The attempt budget of one call: attempts across all retries and fallbacks together, the
   * first included (an integer >= 1), so retries times fallbacks never multiply. When it is
   * spent the call ends with `AllFallbacksFailedError`, whose message says so.
   * @default 6
   */
  max_total_attempts?: number | undefined;
}

/**
 * `timeouts`: deadlines of each stream attempt, besides a request's `timeoutMs` for the whole
 * call. Both are off by default: how long a model may think before its first text depends on
 * the model (reasoning models can take minutes). A request's `firstChunkTimeoutMs` and
 * `idleTimeoutMs` override them for that call.
 */
export interface TimeoutsInput {
  /**
   * Milliseconds from the start of a stream attempt to its first text. When it passes, the
   * attempt is aborted and fails with kind `timeout` before anything reached the caller, so the
   * chain retries or falls back as after any timeout. An integer >= 0; 0 means no limit.
   * @default none (no limit)
   * @example 30000
   */
  first_chunk_timeout_ms?: number | undefined;
  /**
   * The longest gap in milliseconds between two events of a stream (counted from its first
   * event; time the caller spends on a chunk does not count). Before the first text the attempt fails with kind `timeout` and falls back; after
   * it the stream ends with `StreamInterruptedError` whose `cause` has kind `timeout`. An
   * integer >= 0; 0 means no limit.
   * @default none (no limit)
   * @example 20000
   */
  idle_timeout_ms?: number | undefined;
}

/**
 * `circuit_breaker`: cool-downs per (provider, model), shared by every call of one
 * orchestrator. A target that keeps failing is skipped until its cool-down ends; then one
 * trial request goes through (half-open): a success closes the circuit, a retryable failure
 * opens it again. A call whose every candidate is cooling down waits for the first to recover
 * when that fits its `timeoutMs` (without one: within `retry.max_retry_after_ms`), else fails
 * at once with `AllFallbacksFailedError` naming when the first target recovers.
 */
export interface CircuitBreakerInput {
  /**
   * Use cool-downs at all.
   * @default true
   */
  enabled?: boolean | undefined;
  /**
   * Consecutive retryable failures (rate limits, 5xx, overloaded, timeouts, network) of one
   * target, across calls, that open its circuit. A retry-after longer than
   * `retry.max_retry_after_ms` opens it at once, for that long. An integer >= 1.
   * @default 5
   */
  failure_threshold?: number | undefined;
  /**
   * How long an opened circuit skips its target, in milliseconds (a longer retry-after wins).
   * A cool-down only moves later.
   * @default 30000
   */
  cooldown_ms?: number | undefined;
}

/** Per 1M tokens, in USD; all non-negative. */
export interface ModelPriceInput {
  /** Input tokens, per 1M. */
  input: number;
  /** Output tokens (reasoning included), per 1M. */
  output: number;
  /**
   * Cached input read, per 1M.
   * @default the catalogue's, else `input`
   */
  cache_read?: number | undefined;
  /**
   * Cached input written, per 1M.
   * @default the catalogue's, else `input`
   */
  cache_write?: number | undefined;
}

/** One extra cost sink written next to the ledger. */
export interface CostSinkInput {
  /** The file format. */
  type: 'csv' | 'jsonl';
  /** The file to append to; a relative path resolves against the working directory. */
  path: string;
}

/** `cost_tracking`: the usage ledger and price overrides. */
export interface CostTrackingInput {
  /**
   * Record usage and cost at all.
   * @default true
   */
  enabled?: boolean | undefined;
  /**
   * The JSONL ledger file; a relative path resolves against the working directory.
   * @default none (records stay in memory)
   * @example './llm_costs.jsonl'
   */
  log_path?: string | undefined;
  /**
   * More files to write each record to.
   * @default []
   */
  sinks?: CostSinkInput[] | undefined;
  /**
   * Price overrides per 1M tokens: provider entry name (or a type name, for every entry of that
   * type) -> model id -> price. Overrides the built-in catalogue.
   * @default {}
   * @example { openai: { 'my-finetune': { input: 0.3, output: 1.2 } } }
   */
  pricing?: Record<string, Record<string, ModelPriceInput>> | undefined;
  /**
   * The most usage records the tracker keeps in memory; past it the oldest leave memory (the
   * ledger files still get every record, and `totalCost()` / `sessionCost()` stay exact), so a
   * long-running server stays bounded. `records()`, `report()` and the exports then cover the
   * newest records only.
   * @default unlimited
   * @example 100000
   */
  max_records_in_memory?: number | undefined;
  /**
   * Keep an index beside each JSONL ledger (`<path>.idx`, about a third of the ledger's size)
   * so `CostTracker.fromJsonl` loads it without parsing JSON; the ledger stays the record of
   * truth and the index can be deleted at any time.
   * @default true
   */
  ledger_index?: boolean | undefined;
}

/** One entry of `models.lifecycle`: adds to or overrides the shipped lifecycle data. */
export interface LifecycleEntryInput {
  /**
   * A provider type (every entry of that type) or a provider entry name (that entry only).
   * @example 'openai'
   */
  provider: string;
  /** The model id as a request names it (no `models/` prefix). */
  model: string;
  /**
   * The date (YYYY-MM-DD) the provider announced it deprecated. Missing with `retires_at`
   * given: deprecated from now on.
   * @default none
   */
  deprecated_at?: string | undefined;
  /**
   * The date (YYYY-MM-DD) the provider stops serving it. From that date, `models.on_retired`
   * decides what the fallback chain does with it.
   * @default none
   */
  retires_at?: string | undefined;
  /**
   * The model the provider recommends instead; named in warnings.
   * @default none
   */
  replacement?: string | undefined;
  /**
   * Where the dates come from (a URL), for the reader.
   * @default none
   */
  source?: string | undefined;
}

/** `models`: deprecation data and the model registry's cache. */
export interface ModelsInput {
  /**
   * Lifecycle entries merged over the package's own data (an entry for the same provider and
   * model replaces the shipped one).
   * @default []
   */
  lifecycle?: LifecycleEntryInput[] | undefined;
  /**
   * What the fallback chain does with a model past its `retires_at`: `skip` leaves it out with
   * a warning, `warn` still tries it with a warning, `error` makes construction throw a
   * ConfigurationError naming the config path of the model.
   * @default 'skip'
   */
  on_retired?: 'skip' | 'warn' | 'error' | undefined;
  /**
   * A JSON file keeping the model registry (deprecation marks, `lastSeenAt`) across restarts;
   * relative to the working directory. Read at construction, written after refreshes and
   * marks (atomically: a temporary file, then rename). A corrupt file is a warning and a
   * fresh start.
   * @default none (the registry lives in memory only)
   * @example './llm_models.json'
   */
  cache_path?: string | undefined;
}

/**
 * The configuration, as a YAML file holds it or as an object of the same shape (same
 * snake_case keys). Unknown keys are errors.
 */
export interface ConfigInput {
  /** The provider entry (a key of `providers`) tried first. */
  active_provider: string;
  /**
   * Its first model. When it is not in the provider's `fallback_models` it is tried first and
   * then the list.
   * @default the first of the active provider's `fallback_models`
   */
  active_model?: string | undefined;
  /**
   * After the active provider's models, try the other available providers.
   * @default false
   */
  cross_provider_fallback?: boolean | undefined;
  /**
   * The order of providers for cross-provider fallback; entries not listed follow in file order.
   * @default [] (file order)
   */
  provider_order?: string[] | undefined;
  /** The provider entries, keyed by name. At least one. */
  providers: Record<string, ProviderEntryInput>;
  /** Retry policy per model. */
  retry?: RetryInput | undefined;
  /** Stream deadlines per attempt (first text, gap between events). */
  timeouts?: TimeoutsInput | undefined;
  /** Cool-downs of failing targets (circuit breaker). */
  circuit_breaker?: CircuitBreakerInput | undefined;
  /** Usage ledger and prices. */
  cost_tracking?: CostTrackingInput | undefined;
  /** Model lifecycle data, retired-model policy and the registry cache. */
  models?: ModelsInput | undefined;
}
