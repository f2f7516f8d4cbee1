import { randomUUID } from 'node:crypto';
import { loadConfig } from './config/load-config.js';
import type { ConfigInput } from './config/config-schema.js';
import type { NormalizedConfig, NormalizedProviderConfig } from './config/normalized-config.js';
import { CostTracker } from './cost/cost-tracker.js';
import { CsvSink } from './cost/csv-sink.js';
import { JsonlSink } from './cost/jsonl-sink.js';
import { PriceBook } from './cost/price-book.js';
import { ConfigurationError } from './errors/configuration-error.js';
import { TypedEmitter } from './internal/typed-emitter.js';
import { AttemptRecorder } from './orchestrator/attempt-recorder.js';
import { CallScope } from './orchestrator/call-scope.js';
import type { OrchestratorCore } from './orchestrator/orchestrator-core.js';
import type { OrchestratorEvents } from './orchestrator/orchestrator-events.js';
import { RequestContext } from './orchestrator/request-context.js';
import { sendRequest } from './orchestrator/send-request.js';
import { streamRequest } from './orchestrator/stream-request.js';
import { validateChatRequest } from './orchestrator/validate-chat-request.js';
import { createProvider } from './providers/create-provider.js';
import type { ModelInfo } from './registry/model-info.js';
import { ModelRegistry, type RefreshResult } from './registry/model-registry.js';
import type { BaseLLMProvider } from './spec/base-llm-provider.js';
import type { ChatRequest } from './spec/chat-request.js';
import type { ChatResponse, ChatStream } from './spec/chat-response.js';
import { ProviderError } from './errors/provider-error.js';

/** Console-like logger; only `warn` is required. */
export interface Logger {
  warn(message: string): void;
  info?(message: string): void;
  debug?(message: string): void;
  error?(message: string): void;
}

/** A user-supplied adapter: an instance, or a factory given the entry's normalized config. */
export type ProviderSupplier = BaseLLMProvider | ((config: NormalizedProviderConfig) => BaseLLMProvider);

/** Options of {@link LLMOrchestrator}. */
export interface OrchestratorOptions {
  /**
   * Adapters by provider entry name: they replace the built-in adapter of that entry, or serve
   * an entry of a type this package does not ship (the entry's `type` is then free).
   */
  providers?: Record<string, ProviderSupplier>;
  /** The cost tracker to record into. @default a new `CostTracker` for this session */
  tracker?: CostTracker;
  /** Where warnings go besides the `warning` event. @default console */
  logger?: Logger;
  /** The session id written in every cost record. @default a random UUID */
  sessionId?: string;
  /** Source of `${VAR}` in the config. @default process.env */
  env?: Record<string, string | undefined>;
}

/**
 * One API over many LLM providers, with ordered fallback, streams and a cost ledger.
 *
 * @example
 * const orch = new LLMOrchestrator('config.yaml');
 * const res = await orch.send({ messages: [{ role: 'user', content: 'Hello' }] });
 */
export class LLMOrchestrator {
  /** Written into every cost record. */
  readonly sessionId: string;
  /** Every attempt's usage record, its sinks and reports. */
  readonly tracker: CostTracker;
  /** Discovered models and their deprecation marks. */
  readonly registry: ModelRegistry;

  readonly #config: NormalizedConfig;
  readonly #suppliers: Record<string, ProviderSupplier>;
  readonly #providers = new Map<string, BaseLLMProvider>();
  readonly #events: TypedEmitter<OrchestratorEvents>;
  readonly #logger: Logger;
  readonly #warned = new Set<string>();
  readonly #ownsTracker: boolean;
  readonly #core: OrchestratorCore;
  #closed: Promise<void> | undefined;

  /**
   * Validates the config at once; imports no SDK and makes no network call.
   *
   * @param config a path to a YAML file, or an object of the same shape.
   * @throws ConfigurationError listing every problem with its path.
   */
  constructor(config: string | ConfigInput, options: OrchestratorOptions = {}) {
    this.#suppliers = options.providers ?? {};
    const loaded = loadConfig(config, {
      ...(options.env ? { env: options.env } : {}),
      customProviders: Object.keys(this.#suppliers),
    });
    this.#config = loaded.config;
    this.#logger = options.logger ?? console;
    this.sessionId = options.sessionId ?? randomUUID();
    this.#events = new TypedEmitter<OrchestratorEvents>((error, event) =>
      this.#logger.warn(`llm-orchestrator: a '${String(event)}' listener threw: ${error instanceof Error ? error.message : String(error)}`),
    );
    const onSinkWarning = (warning: { code: string; message: string }) => this.#warn(warning.code, warning.message);
    this.#ownsTracker = options.tracker === undefined;
    this.tracker = options.tracker ?? new CostTracker({ sessionId: this.sessionId, onWarning: onSinkWarning });
    const { costTracking } = this.#config;
    if (costTracking.enabled) {
      if (costTracking.logPath) this.tracker.addSink(new JsonlSink(costTracking.logPath, { onError: (error) => this.#sinkFailed(costTracking.logPath!, error) }));
      for (const sink of costTracking.sinks) {
        const onError = (error: unknown) => this.#sinkFailed(sink.path, error);
        this.tracker.addSink(sink.type === 'csv' ? new CsvSink(sink.path, { onError }) : new JsonlSink(sink.path, { onError }));
      }
    }
    const recorder = new AttemptRecorder({
      tracker: this.tracker,
      priceBook: new PriceBook({ overrides: costTracking.pricing }),
      trackingEnabled: costTracking.enabled,
      sessionId: this.sessionId,
      providerConfig: (name) => this.#config.providers[name],
      providerType: (name) => this.#config.providers[name]?.type ?? name,
      onRecord: (record) => this.#events.emit('usage', { record }),
      warn: (code, message, provider, model) => this.#warn(code, message, provider, model),
    });
    this.#core = {
      config: this.#config,
      provider: (name) => this.#provider(name),
      recorder,
      events: this.#events,
      warn: (code, message, provider, model) => this.#warn(code, message, provider, model),
      random: Math.random,
    };
    this.registry = new ModelRegistry({
      providers: () => this.#config.providerOrder.filter((name) => this.#config.providers[name]?.available),
      listModels: (name) => this.#provider(name).listModels(),
    });
    // Listeners are attached after construction: report the config's warnings on the next tick.
    queueMicrotask(() => {
      for (const warning of loaded.warnings) this.#warn(warning.code, warning.message, warning.provider);
    });
  }

  /**
   * Sends a chat request along the fallback chain.
   *
   * @throws ProviderError of a kind that stops the chain (`invalid_request`, `content_filter`),
   *   or of kind `aborted` / `timeout` when the call was aborted or ran past `timeoutMs`.
   * @throws AllFallbacksFailedError when every candidate failed.
   * @throws ConfigurationError for a malformed request or a provider SDK that is not installed.
   */
  async send(request: ChatRequest): Promise<ChatResponse> {
    validateChatRequest(request);
    const context = new RequestContext(randomUUID(), request, new CallScope(request.signal, request.timeoutMs));
    return sendRequest(this.#core, context);
  }

  /**
   * Streams a chat request. Nothing is yielded before the first real text, so failures up to
   * then fall back invisibly; a failure after it ends the stream with `StreamInterruptedError`.
   * Breaking out of `for await` cancels the upstream call and still records the usage seen.
   * `response` settles once the stream has been read to its end (or failed).
   *
   * @throws ConfigurationError at once for a malformed request.
   */
  stream(request: ChatRequest): ChatStream {
    validateChatRequest(request);
    return streamRequest(this.#core, request, randomUUID());
  }

  /** Total USD of this orchestrator's session. */
  sessionCost(): number {
    return this.tracker.sessionCost(this.sessionId);
  }

  /** Listens to an event; see {@link OrchestratorEvents} for the payloads. */
  on<E extends keyof OrchestratorEvents>(event: E, listener: (payload: OrchestratorEvents[E]) => void): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Stops listening. */
  off<E extends keyof OrchestratorEvents>(event: E, listener: (payload: OrchestratorEvents[E]) => void): this {
    this.#events.off(event, listener);
    return this;
  }

  /**
   * The provider's models from the registry; the first call for a provider fetches its list.
   *
   * @throws ConfigurationError for an unknown provider; ProviderError when the first fetch fails.
   */
  async listModels(provider: string, options: { includeDeprecated?: boolean } = {}): Promise<ModelInfo[]> {
    this.#entry(provider);
    if (!this.registry.hasListed(provider)) {
      const [result] = await this.registry.refresh(provider);
      if (result && !result.ok) throw result.error;
    }
    return this.registry.list(provider, options);
  }

  /** Fetches fresh model lists (one provider or all available ones); failures are returned, not thrown. */
  async refreshModels(provider?: string): Promise<RefreshResult[]> {
    if (provider !== undefined) this.#entry(provider);
    const results = await this.registry.refresh(provider);
    for (const result of results) {
      if (!result.ok) {
        const reason = result.error instanceof Error ? result.error.message : String(result.error);
        this.#warn('model_refresh_failed', `Could not refresh the models of '${result.provider}': ${reason}`, result.provider);
      }
      for (const model of result.deprecated) {
        this.#warn('model_deprecated', `Model '${model}' of '${result.provider}' is no longer listed: marked deprecated`, result.provider, model);
      }
    }
    return results;
  }

  /**
   * Proves a model answers with a one-token request (recorded in the ledger with
   * `metadata.purpose = "validation"`). False when the provider does not serve it.
   *
   * @throws ProviderError for failures other than `not_found` (auth, network...).
   */
  async validateModel(provider: string, model: string): Promise<boolean> {
    this.#entry(provider);
    try {
      await this.send({
        provider,
        model,
        maxTokens: 1,
        messages: [{ role: 'user', content: 'ping' }],
        metadata: { purpose: 'validation' },
      });
    } catch (error) {
      const last = ProviderError.isInstance(error) ? error : (error as { errors?: ProviderError[] }).errors?.at(-1);
      if (last?.kind === 'not_found') return false;
      throw error;
    }
    this.registry.markValidated(provider, model);
    return true;
  }

  /** Flushes every cost sink (and closes them when the tracker is this orchestrator's own). */
  close(): Promise<void> {
    const closing = this.#closed ?? (this.#ownsTracker ? this.tracker.close() : this.tracker.flush());
    this.#closed = closing;
    return closing;
  }

  #entry(provider: string): NormalizedProviderConfig {
    const entry = this.#config.providers[provider];
    if (!entry) {
      throw new ConfigurationError([{ path: 'provider', message: `unknown provider '${provider}' (configured: ${Object.keys(this.#config.providers).join(', ')})` }]);
    }
    return entry;
  }

  #provider(name: string): BaseLLMProvider {
    let provider = this.#providers.get(name);
    if (!provider) {
      const entry = this.#entry(name);
      const supplier = this.#suppliers[name];
      provider = supplier === undefined ? createProvider(entry) : typeof supplier === 'function' ? supplier(entry) : supplier;
      this.#providers.set(name, provider);
    }
    return provider;
  }

  #sinkFailed(path: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.#warn('cost_sink_failed', `Could not write the cost ledger '${path}': ${reason}; the records stay in memory`);
  }

  #warn(code: string, message: string, provider?: string, model?: string): void {
    const key = `${code}\u0000${provider ?? ''}\u0000${model ?? ''}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#logger.warn(`llm-orchestrator: ${message}`);
    this.#events.emit('warning', { code, message, ...(provider !== undefined ? { provider } : {}), ...(model !== undefined ? { model } : {}) });
  }
}
