import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { BedrockRuntimeClient, ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import { ConfigurationError } from '../../errors/configuration-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { linkAbortSignal } from '../../internal/link-abort-signal.js';
import type { BaseLLMProvider } from '../../spec/base-llm-provider.js';
import type { ProviderModelListing } from '../../spec/provider-model-listing.js';
import type { ProviderRequest } from '../../spec/provider-request.js';
import type { ProviderResult } from '../../spec/provider-result.js';
import type { ProviderStreamEvent } from '../../spec/provider-stream-event.js';
import type { BedrockCredentials, BedrockProviderOptions } from './bedrock-provider-options.js';
import { listBedrockTextModelDetails } from './list-bedrock-text-models.js';
import { loadBedrockControlSdk, loadBedrockRuntimeSdk, loadNodeHttpHandlerSdk } from './load-bedrock-sdk.js';
import { mapBedrockError } from './map-bedrock-error.js';
import { mapBedrockFinishReason } from './map-bedrock-finish-reason.js';
import { mapBedrockRequest } from './map-bedrock-request.js';
import { mapBedrockUsage } from './map-bedrock-usage.js';
import { type BedrockStreamState, readBedrockStream } from './read-bedrock-stream.js';

/** Inference-profile prefixes (cross-region inference) that Bedrock accepts before a model id. */
const inferenceProfilePrefix = /^(us|eu|apac|us-gov|ca|jp|au|global)\./;

/**
 * Amazon Bedrock through the Converse and ConverseStream APIs of `@aws-sdk/client-bedrock-runtime`,
 * so every model family (Anthropic, Amazon Nova/Titan, Meta Llama, Mistral, Cohere...) goes
 * through one mapping. The SDK is loaded on first use; its own retries are off (`maxAttempts: 1`).
 * Failures are thrown as `ProviderError`s; credentials never appear in messages or `inspect`.
 */
export class BedrockProvider implements BaseLLMProvider {
  readonly name: string;
  readonly type = 'bedrock';
  readonly region: string;
  readonly baseUrl?: string;
  readonly controlBaseUrl?: string;
  readonly #credentials?: BedrockCredentials;
  #runtimeClient?: Promise<BedrockRuntimeClient>;
  #controlClient?: Promise<BedrockClient>;

  constructor(options: BedrockProviderOptions) {
    this.name = options.name;
    this.region = options.region;
    if (options.baseUrl !== undefined) this.baseUrl = options.baseUrl;
    if (options.controlBaseUrl !== undefined) this.controlBaseUrl = options.controlBaseUrl;
    if (options.credentials !== undefined) this.#credentials = { ...options.credentials };
  }

  async doSend(request: ProviderRequest): Promise<ProviderResult> {
    const context = this.#errorContext(request.model, request.signal);
    let response: ConverseResponse;
    // A per-call signal: the caller's may live across many attempts, and must not collect listeners.
    const { controller, dispose } = linkAbortSignal(request.signal);
    try {
      const [client, sdk] = await Promise.all([this.#getRuntimeClient(), loadBedrockRuntimeSdk(this.name)]);
      response = await client.send(new sdk.ConverseCommand(mapBedrockRequest(request)), { abortSignal: controller.signal });
    } catch (error) {
      if (ConfigurationError.isInstance(error)) throw error;
      throw mapBedrockError(error, context);
    } finally {
      dispose();
    }
    const content = (response.output?.message?.content ?? [])
      .map((block) => block.text ?? '')
      .join('');
    const usage = mapBedrockUsage(response.usage);
    return {
      content,
      finishReason: mapBedrockFinishReason(response.stopReason),
      ...(usage !== undefined ? { usage } : {}),
    };
  }

  async *doStream(request: ProviderRequest): AsyncGenerator<ProviderStreamEvent> {
    const state: BedrockStreamState = {};
    // Aborted in `finally` when the consumer stops early, so the socket is released at once.
    const upstream = new AbortController();
    const forwardAbort = () => upstream.abort(request.signal.reason);
    if (request.signal.aborted) forwardAbort();
    else request.signal.addEventListener('abort', forwardAbort, { once: true });
    let finished = false;
    try {
      const [client, sdk] = await Promise.all([this.#getRuntimeClient(), loadBedrockRuntimeSdk(this.name)]);
      const output = await client.send(new sdk.ConverseStreamCommand(mapBedrockRequest(request)), {
        abortSignal: upstream.signal,
      });
      if (output.stream === undefined) return;
      for await (const event of readBedrockStream(output.stream, state)) {
        // Frames already buffered keep coming after an abort: nothing more may be yielded.
        if (request.signal.aborted) throw request.signal.reason;
        if (event.type === 'finish') finished = true;
        yield event;
      }
    } catch (error) {
      if (ConfigurationError.isInstance(error)) throw error;
      throw mapBedrockError(error, this.#errorContext(request.model, request.signal, state));
    } finally {
      request.signal.removeEventListener('abort', forwardAbort);
      if (!finished) upstream.abort();
    }
  }

  /** Base model ids Converse can call (one `ListFoundationModels` request, not paginated). */
  async listModels(): Promise<string[]> {
    return (await this.listModelDetails()).map((listing) => listing.id);
  }

  /**
   * The models of {@link listModels} with their `modelLifecycle`: a LEGACY one (still served,
   * retirement announced) comes with `lifecycle: 'legacy'`, the reason `Bedrock lists it as
   * LEGACY` and the legacy and end-of-life dates when Bedrock sends them.
   */
  async listModelDetails(): Promise<ProviderModelListing[]> {
    const context = this.#errorContext('*');
    try {
      const [client, sdk] = await Promise.all([this.#getControlClient(), loadBedrockControlSdk(this.name)]);
      const response = await client.send(new sdk.ListFoundationModelsCommand({}));
      return listBedrockTextModelDetails(response.modelSummaries ?? []);
    } catch (error) {
      if (ConfigurationError.isInstance(error)) throw error;
      throw mapBedrockError(error, context);
    }
  }

  /**
   * Sends a one-token Converse request. `false` when Bedrock says the model does not exist or
   * cannot be used that way (kind `not_found`); other failures (auth, network...) are thrown.
   * Inference-profile ids (`us.`, `eu.`, `apac.`... prefixes) are accepted like model ids.
   */
  async validateModel(model: string): Promise<boolean> {
    try {
      await this.doSend({
        model,
        messages: [{ role: 'user', content: 'Hi' }],
        maxTokens: 1,
        signal: new AbortController().signal,
      });
      return true;
    } catch (error) {
      if (ProviderError.isInstance(error) && error.kind === 'not_found') return false;
      throw error;
    }
  }

  /** Whether `model` is an inference-profile id (`us.anthropic...`) rather than a base model id. */
  static isInferenceProfileId(model: string): boolean {
    return inferenceProfilePrefix.test(model);
  }

  #errorContext(model: string, signal?: AbortSignal, state?: BedrockStreamState) {
    const secrets = [this.#credentials?.secretAccessKey, this.#credentials?.sessionToken].filter(
      (value): value is string => value !== undefined,
    );
    return {
      provider: this.name,
      model,
      secrets,
      ...(signal !== undefined ? { signal } : {}),
      ...(state?.usage !== undefined ? { usage: state.usage } : {}),
    };
  }

  #clientConfig() {
    return {
      region: this.region,
      maxAttempts: 1,
      ...(this.#credentials !== undefined ? { credentials: { ...this.#credentials } } : {}),
    };
  }

  // Built once per provider, on first use; a failed load (SDK missing) is tried again next time.
  #getRuntimeClient(): Promise<BedrockRuntimeClient> {
    if (this.#runtimeClient === undefined) {
      const pending = (async () => {
        const [sdk, http] = await Promise.all([loadBedrockRuntimeSdk(this.name), loadNodeHttpHandlerSdk(this.name)]);
        return new sdk.BedrockRuntimeClient({
          ...this.#clientConfig(),
          requestHandler: new http.NodeHttpHandler(),
          ...(this.baseUrl !== undefined ? { endpoint: this.baseUrl } : {}),
        });
      })();
      pending.catch(() => {
        if (this.#runtimeClient === pending) this.#runtimeClient = undefined;
      });
      this.#runtimeClient = pending;
    }
    return this.#runtimeClient;
  }

  #getControlClient(): Promise<BedrockClient> {
    if (this.#controlClient === undefined) {
      const pending = (async () => {
        const [sdk, http] = await Promise.all([loadBedrockControlSdk(this.name), loadNodeHttpHandlerSdk(this.name)]);
        return new sdk.BedrockClient({
          ...this.#clientConfig(),
          requestHandler: new http.NodeHttpHandler(),
          ...(this.controlBaseUrl !== undefined ? { endpoint: this.controlBaseUrl } : {}),
        });
      })();
      pending.catch(() => {
        if (this.#controlClient === pending) this.#controlClient = undefined;
      });
      this.#controlClient = pending;
    }
    return this.#controlClient;
  }
}
