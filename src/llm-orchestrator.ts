import { randomUUID } from 'node:crypto';
import { loadConfig } from './config/load-config.js';
import type { ConfigInput } from './config/config-schema.js';
import type { NormalizedConfig, NormalizedProviderConfig } from './config/normalized-config.js';
import { CostTracker } from './cost/cost-tracker.js';
import { CsvSink } from './cost/csv-sink.js';
import { JsonlSink } from './cost/jsonl-sink.js';
import { PriceBook } from './cost/price-book.js';
import { ConfigurationError } from './errors/configuration-error.js';
import { ProviderError } from './errors/provider-error.js';
import { redactSecrets } from './internal/redact-secrets.js';
import { TypedEmitter } from './internal/typed-emitter.js';
import { AttemptRecorder } from './orchestrator/attempt-recorder.js';
import { CallScope } from './orchestrator/call-scope.js';
import { CircuitBreaker } from './orchestrator/circuit-breaker.js';
import { type ChainExplanation, explainChain } from './orchestrator/explain-chain.js';
import type { OrchestratorCore } from './orchestrator/orchestrator-core.js';
import type { OrchestratorEvents } from './orchestrator/orchestrator-events.js';
import { RequestContext } from './orchestrator/request-context.js';
import { sendRequest } from './orchestrator/send-request.js';
import { streamRequest } from './orchestrator/stream-request.js';
import { validateChatRequest } from './orchestrator/validate-chat-request.js';
import { createProvider } from './providers/create-provider.js';
import type { ModelInfo } from './registry/model-info.js';
import { ModelLifecycle, shippedLifecycle } from './registry/model-lifecycle.js';
import { ModelPolicy } from './registry/model-policy.js';
import { listProviderModels } from './registry/list-provider-models.js';
import { ModelRegistry, type RefreshResult } from './registry/model-registry.js';
import { readRegistryCache, RegistryCacheWriter } from './registry/registry-cache-file.js';
import type { BaseLLMProvider } from './spec/base-llm-provider.js';
import type { ChatRequest } from './spec/chat-request.js';
import type { ChatResponse, ChatStream } from './spec/chat-response.js';

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
  /** Writes the registry to `models.cache_path`, when configured. */
  readonly #cacheWriter: RegistryCacheWriter | undefined;
  /**
   * Calls in progress (sends, and streams from their first read until `response` settles):
   * `close()` waits for them so their records reach the sinks.
   */
  #callsInFlight = 0;
  /** Wakes `close()` when the last call in progress ends (set only while it waits). */
  #allCallsEnded: (() => void) | undefined;
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
    const models = this.#config.models;
    const lifecycle = new ModelLifecycle(
      shippedLifecycle.entries,
      models?.lifecycle ?? [],
      (name) => this.#config.providers[name]?.type ?? name,
      // OpenAI's retirements say nothing of the same ids on another vendor's compatible server.
      (name) => {
        const entry = this.#config.providers[name];
        return entry?.type !== 'openai' || entry.baseUrl === undefined || /^https:\/\/api\.openai\.com(\/|$)/.test(entry.baseUrl);
      },
    );
    const cachePath = models?.cachePath;
    this.#cacheWriter = cachePath
      ? new RegistryCacheWriter(cachePath, () => this.registry.snapshot(), (error) => {
          const reason = error instanceof Error ? error.message : String(error);
          this.#warn('model_cache_failed', `Could not write the model registry cache '${cachePath}': ${reason}`);
        })
      : undefined;
    this.registry = new ModelRegistry({
      providers: () => this.#config.providerOrder.filter((name) => this.#config.providers[name]?.available),
      listModels: (name) => listProviderModels(this.#provider(name)),
      lifecycle: (name, model) => lifecycle.find(name, model),
      onChange: () => this.#cacheWriter?.schedule(),
    });
    const policy = new ModelPolicy({
      config: this.#config,
      registry: this.registry,
      lifecycle,
      onRetired: models?.onRetired ?? 'skip',
      warn: (code, message, provider, model) => this.#warn(code, message, provider, model),
    });
    // Before anything opens a file: `on_retired: error` stops construction here.
    const configured = policy.checkConfiguredModels();
    if (configured.issues.length > 0) {
      throw new ConfigurationError(configured.issues, typeof config === 'string' ? { source: config } : undefined);
    }
    const cache = cachePath ? readRegistryCache(cachePath) : {};
    if (cache.snapshot) this.registry.restore(cache.snapshot);
    this.#logger = options.logger ?? console;
    this.sessionId = options.sessionId ?? randomUUID();
    this.#events = new TypedEmitter<OrchestratorEvents>((error, event) => {
      try {
        this.#logger.warn(`llm-orchestrator: a '${String(event)}' listener threw: ${error instanceof Error ? error.message : String(error)}`);
      } catch {
        // Neither a listener nor the logger may fail a call.
      }
    });
    const onSinkWarning = (warning: { code: string; message: string }) => this.#warn(warning.code, warning.message);
    this.#ownsTracker = options.tracker === undefined;
    const { costTracking } = this.#config;
    this.tracker =
      options.tracker ??
      new CostTracker({
        sessionId: this.sessionId,
        onWarning: onSinkWarning,
        ...(costTracking.maxRecordsInMemory !== undefined ? { maxRecordsInMemory: costTracking.maxRecordsInMemory } : {}),
      });
    if (costTracking.enabled) {
      const files = [...(costTracking.logPath ? [{ type: 'jsonl' as const, path: costTracking.logPath }] : []), ...costTracking.sinks];
      // A tracker shared by several orchestrators gets each file once, not once per orchestrator.
      const attached = attachedFiles.get(this.tracker) ?? new Set<string>();
      attachedFiles.set(this.tracker, attached);
      for (const file of files) {
        const key = `${file.type}:${file.path}`;
        if (attached.has(key)) continue;
        attached.add(key);
        const onError = (error: unknown) => this.#sinkFailed(file.path, error);
        // A tracker bounded in memory bounds its files' duplicate guards alike.
        const sinkOptions = { onError, maxRememberedKeys: this.tracker.maxRecordsInMemory };
        this.tracker.addSink(file.type === 'csv' ? new CsvSink(file.path, sinkOptions) : new JsonlSink(file.path, { ...sinkOptions, index: costTracking.ledgerIndex }));
      }
    }
    if (options.tracker && costTracking.maxRecordsInMemory !== undefined && options.tracker.maxRecordsInMemory !== costTracking.maxRecordsInMemory) {
      this.#warn(
        'config_ignored',
        `cost_tracking.max_records_in_memory (${costTracking.maxRecordsInMemory}) does not apply to the tracker given in options.tracker (it keeps ${options.tracker.maxRecordsInMemory}): set maxRecordsInMemory where that tracker is made`,
      );
    }
    const secrets = collectSecrets(this.#config);
    const recorder = new AttemptRecorder({
      tracker: this.tracker,
      priceBook: new PriceBook({ overrides: costTracking.pricing }),
      trackingEnabled: costTracking.enabled,
      sessionId: this.sessionId,
      providerType: (name) => this.#config.providers[name]?.type ?? name,
      onRecord: (record) => {
        if (this.#events.hasListeners('usage')) this.#events.emit('usage', { record });
      },
      warn: (code, message, provider, model) => this.#warn(code, message, provider, model),
    });
    this.#core = {
      config: this.#config,
      provider: (name) => this.#provider(name),
      recorder,
      models: policy,
      circuits: new CircuitBreaker({
        config: this.#config.circuitBreaker,
        maxRetryAfterMs: this.#config.retry.maxRetryAfterMs,
        onOpen: (payload) => this.#events.emit('circuit-open', payload),
        onClose: (payload) => this.#events.emit('circuit-close', payload),
      }),
      events: this.#events,
      warn: (code, message, provider, model) => this.#warn(code, message, provider, model),
      redact: (text) => redactSecrets(text, secrets),
      random: Math.random,
    };
    // Listeners are attached after construction: report the config's warnings on the next tick.
    queueMicrotask(() => {
      for (const warning of loaded.warnings) this.#warn(warning.code, warning.message, warning.provider);
      if (cache.problem !== undefined) {
        this.#warn('model_cache_unreadable', `Could not read the model registry cache '${cachePath}' (${cache.problem}): starting with an empty registry`);
      }
      configured.report();
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
  send(request: ChatRequest): Promise<ChatResponse> {
    // Not an async method (one promise and one hop less a call), but it behaves as one: a bad
    // request rejects, never throws, and the promise returned is the call's own, with no
    // handler of ours on it, so a failure nobody awaits is an unhandled rejection.
    try {
      validateChatRequest(request);
      const context = new RequestContext(randomUUID(), request, new CallScope({ signal: request.signal, timeoutMs: request.timeoutMs }));
      this.#callsInFlight += 1;
      // Async: it never throws, and it calls `#callEnded` once, after the call's records.
      return sendRequest(this.#core, context, this.#callEnded);
    } catch (error) {
      return Promise.reject(error);
    }
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
    return streamRequest(this.#core, request, randomUUID(), (done) => this.#track(done));
  }

  /**
   * The fallback chain a call would walk now (`request` may pin `provider`/`model`), each
   * candidate with whether it would be tried and why not: provider unavailable (with its
   * reason), model retired or marked by a `not_found`, or cooling down (until when). Makes no
   * call and changes nothing.
   *
   * @throws ConfigurationError when the request pins a provider the config does not have.
   */
  explain(request: Pick<ChatRequest, 'provider' | 'model'> = {}): ChainExplanation {
    return explainChain(this.#core, request);
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
      if (result) this.#warnLegacy(result);
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
        this.#warn('model_unlisted', `Model '${model}' of '${result.provider}' is no longer listed: marked deprecated`, result.provider, model);
      }
      this.#warnLegacy(result);
    }
    return results;
  }

  /**
   * One `model_legacy` warning per configured model (the entry's `fallback_models`, or the
   * `active_model` of the active provider) a refresh newly found listed as legacy. The others
   * are marked without a warning: a Bedrock account lists dozens of legacy models.
   */
  #warnLegacy(result: RefreshResult): void {
    const entry = this.#config.providers[result.provider];
    const configured = new Set(entry?.fallbackModels ?? []);
    if (result.provider === this.#config.activeProvider) configured.add(this.#config.activeModel);
    for (const model of result.legacy) {
      if (!configured.has(model)) continue;
      const reason = this.registry.get(result.provider, model)?.deprecationReason ?? 'listed as legacy by the provider';
      this.#warn('model_legacy', `Model '${model}' of '${result.provider}' is shown as deprecated: ${reason}; it is still served`, result.provider, model);
    }
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

  /**
   * Waits for the calls in progress to end (so their records reach the sinks), then flushes
   * every cost sink, and closes them when the tracker is this orchestrator's own. A stream in
   * progress ends when it is read to its end, broken out of, or aborted.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      while (this.#callsInFlight > 0) {
        await new Promise<void>((resolve) => {
          this.#allCallsEnded = resolve;
        });
      }
      await this.#cacheWriter?.flush();
      await (this.#ownsTracker ? this.tracker.close() : this.tracker.flush());
    })();
    return this.#closed;
  }

  /** Counts a stream from its first read until `done` settles. */
  #track(done: Promise<unknown>): void {
    this.#callsInFlight += 1;
    done.then(this.#callEnded, this.#callEnded);
  }

  /** Counts a call as ended (and wakes `close()` after the last). */
  readonly #callEnded = (): void => {
    this.#callsInFlight -= 1;
    if (this.#callsInFlight > 0) return;
    const wake = this.#allCallsEnded;
    this.#allCallsEnded = undefined;
    wake?.();
  };

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
    try {
      this.#logger.warn(`llm-orchestrator: ${message}`);
    } catch {
      // A logger that throws must not fail a call: the warning still goes out as an event.
    }
    this.#events.emit('warning', { code, message, ...(provider !== undefined ? { provider } : {}), ...(model !== undefined ? { model } : {}) });
  }
}

/** The files each tracker already writes to, so a shared tracker never gets the same file twice. */
const attachedFiles = new WeakMap<CostTracker, Set<string>>();

/** Every secret of the config, to keep them out of messages we did not write ourselves. */
function collectSecrets(config: NormalizedConfig): string[] {
  const secrets: string[] = [];
  for (const entry of Object.values(config.providers)) {
    for (const secret of [entry.apiKey, entry.awsAccessKeyId, entry.awsSecretAccessKey, entry.awsSessionToken]) {
      if (secret) secrets.push(secret.reveal());
    }
  }
  return secrets;
}
