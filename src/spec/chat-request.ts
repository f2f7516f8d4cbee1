/** One message of a conversation. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What a caller asks of {@link LLMOrchestrator.send} and {@link LLMOrchestrator.stream}. */
export interface ChatRequest {
  messages: ChatMessage[];
  /** Sampling temperature, passed to the provider as is. */
  temperature?: number;
  /** Upper bound on output tokens. */
  maxTokens?: number;
  /** Nucleus sampling, passed to the provider as is. */
  topP?: number;
  /** Stop sequences. */
  stop?: string[];
  /** Pin this call to one provider entry (by its config name); no other provider is tried. */
  provider?: string;
  /** Pin this call to one model; with `provider`, the only candidate. */
  model?: string;
  /** Aborting it stops the call at once: no further attempt, a `ProviderError` of kind `aborted`. */
  signal?: AbortSignal;
  /** Deadline for the whole call, retries and fallbacks included, in milliseconds. */
  timeoutMs?: number;
  /**
   * Streams: milliseconds from each attempt's start to its first text; when it passes, the
   * attempt is aborted and the chain retries or falls back (kind `timeout`). 0: no limit.
   * @default the config's `timeouts.first_chunk_timeout_ms` (none)
   */
  firstChunkTimeoutMs?: number;
  /**
   * Streams: the longest gap between two events of an attempt, in milliseconds. Before the
   * first text it falls back; after it the stream ends with `StreamInterruptedError` (cause
   * kind `timeout`). 0: no limit.
   * @default the config's `timeouts.idle_timeout_ms` (none)
   */
  idleTimeoutMs?: number;
  /** Copied into every cost record of this call (user id, feature, tenant...). */
  metadata?: Record<string, string>;
  /** Extra fields merged into the provider's request body, by provider type or entry name. */
  providerOptions?: Record<string, Record<string, unknown>>;
}
