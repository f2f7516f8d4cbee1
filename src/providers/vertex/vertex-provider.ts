import { ConfigurationError } from '../../errors/configuration-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { linkAbortSignal } from '../../internal/link-abort-signal.js';
import type { BaseLLMProvider } from '../../spec/base-llm-provider.js';
import type { ProviderRequest } from '../../spec/provider-request.js';
import type { ProviderResult } from '../../spec/provider-result.js';
import type { ProviderStreamEvent } from '../../spec/provider-stream-event.js';
import type { GeminiGenerateContentResponse } from '../gemini/gemini-wire-types.js';
import { mapGeminiRequest } from '../gemini/map-gemini-request.js';
import { toGeminiProviderResult } from '../gemini/to-gemini-provider-result.js';
import { createVertexAuthClient, type VertexAuthClient } from './create-vertex-auth-client.js';
import { createVertexGenaiBackend } from './create-vertex-genai-backend.js';
import { createVertexaiBackend } from './create-vertexai-backend.js';
import { mapVertexError } from './map-vertex-error.js';
import { readVertexStream, type VertexStreamState } from './read-vertex-stream.js';
import { resolveVertexEndpoint, type VertexEndpoint } from './resolve-vertex-endpoint.js';
import type { VertexBackend } from './vertex-backend.js';
import type { VertexProviderOptions, VertexSdk } from './vertex-provider-options.js';

/**
 * Gemini models on Google Cloud Vertex AI, through `@google-cloud/vertexai` (default) or
 * `@google/genai` in Vertex mode. Requests and answers are mapped exactly as for the Gemini API
 * (the shared `map-gemini-*` functions). The SDK is loaded and its client built once, on first
 * use; neither SDK retries. Credentials: an injected `authClient`, else `credentialsPath`, else
 * Application Default Credentials; a failed token fetch is a `ProviderError` of kind `auth`.
 *
 * Content filters behave as in the Gemini adapter: a blocked prompt or a safety stop before any
 * text is kind `content_filter` (with the reported usage).
 */
export class VertexProvider implements BaseLLMProvider {
  readonly name: string;
  readonly type = 'vertex';
  readonly projectId: string;
  readonly location: string;
  readonly sdk: VertexSdk;
  readonly baseUrl?: string;
  readonly credentialsPath?: string;
  readonly #endpoint: VertexEndpoint;
  readonly #authClient?: VertexAuthClient;
  #backend?: Promise<VertexBackend>;

  /**
   * @throws ConfigurationError for an empty `projectId` or `location`, or a `baseUrl` that is not
   * `https://host[:port]` (`http://` only with `sdk: genai`).
   */
  constructor(options: VertexProviderOptions) {
    const missing = (['projectId', 'location'] as const).filter((key) => !options[key]);
    if (missing.length > 0) {
      throw new ConfigurationError(
        missing.map((key) => ({ path: `providers.${options.name}.${key === 'projectId' ? 'project_id' : 'location'}`, message: 'is required for Vertex AI' })),
      );
    }
    this.name = options.name;
    this.projectId = options.projectId;
    this.location = options.location;
    this.sdk = options.sdk ?? 'vertexai';
    if (options.baseUrl !== undefined) this.baseUrl = options.baseUrl;
    if (options.credentialsPath !== undefined) this.credentialsPath = options.credentialsPath;
    if (options.authClient !== undefined) this.#authClient = createVertexAuthClient(options.authClient);
    this.#endpoint = resolveVertexEndpoint({
      providerName: options.name,
      location: options.location,
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    });
    if (this.sdk === 'vertexai' && this.#endpoint.origin.startsWith('http:')) {
      throw new ConfigurationError([
        { path: `providers.${options.name}.base_url`, message: "@google-cloud/vertexai only speaks https: use an https:// base_url, or sdk: genai" },
      ]);
    }
  }

  async doSend(request: ProviderRequest): Promise<ProviderResult> {
    let response: GeminiGenerateContentResponse;
    // `@google/genai` adds an abort listener to the signal it gets and never removes it: each call gets its own.
    const { controller, dispose } = linkAbortSignal(request.signal);
    try {
      const backend = await this.#getBackend();
      response = await backend.generate(request.model, mapGeminiRequest(request), controller.signal);
    } catch (error) {
      if (ConfigurationError.isInstance(error)) throw error;
      throw mapVertexError(error, this.#errorContext(request.model, request.signal));
    } finally {
      dispose();
    }
    return toGeminiProviderResult(response, { provider: this.name, model: request.model });
  }

  async *doStream(request: ProviderRequest): AsyncGenerator<ProviderStreamEvent> {
    // Aborted in `finally` when the consumer stops early, so the upstream request is released.
    const upstream = new AbortController();
    const forwardAbort = () => upstream.abort(request.signal.reason);
    if (request.signal.aborted) forwardAbort();
    else request.signal.addEventListener('abort', forwardAbort, { once: true });
    const state: VertexStreamState = {};
    let completed = false;
    let received = false;
    try {
      const backend = await this.#getBackend();
      const chunks = await backend.stream(request.model, mapGeminiRequest(request), upstream.signal);
      for await (const event of readVertexStream(chunks, { provider: this.name, model: request.model, state })) {
        // Chunks already buffered may still come after an abort: nothing more may be yielded.
        if (request.signal.aborted) throw request.signal.reason;
        received = true;
        yield event;
      }
      // A stream ended by an abort is not complete, whatever the SDK made of it.
      if (request.signal.aborted) throw request.signal.reason;
      completed = true;
    } catch (error) {
      if (ConfigurationError.isInstance(error)) throw error;
      throw mapVertexError(error, { ...this.#errorContext(request.model, request.signal, state), midStream: received });
    } finally {
      request.signal.removeEventListener('abort', forwardAbort);
      if (!completed) upstream.abort();
    }
  }

  /** Gemini base models of Google's publisher catalogue, listed with the same credentials. */
  async listModels(): Promise<string[]> {
    try {
      const backend = await this.#getBackend();
      return await backend.listModelIds();
    } catch (error) {
      if (ConfigurationError.isInstance(error)) throw error;
      throw mapVertexError(error, this.#errorContext('*'));
    }
  }

  /**
   * Sends a one-token generateContent request: `false` when Vertex does not know the model
   * (kind `not_found`); other failures (auth, network...) are thrown.
   */
  async validateModel(model: string): Promise<boolean> {
    try {
      await this.doSend({ model, messages: [{ role: 'user', content: 'Hi' }], maxTokens: 1, signal: new AbortController().signal });
      return true;
    } catch (error) {
      if (ProviderError.isInstance(error) && error.kind === 'not_found') return false;
      throw error;
    }
  }

  #getBackend(): Promise<VertexBackend> {
    if (this.#backend === undefined) {
      const googleAuthOptions: Record<string, unknown> =
        this.#authClient !== undefined
          ? { authClient: this.#authClient }
          : this.credentialsPath !== undefined
            ? { keyFilename: this.credentialsPath }
            : {};
      const options = {
        providerName: this.name,
        projectId: this.projectId,
        location: this.location,
        origin: this.#endpoint.origin,
        googleAuthOptions,
        ...(this.#endpoint.apiEndpoint !== undefined ? { apiEndpoint: this.#endpoint.apiEndpoint } : {}),
        ...(this.#endpoint.genaiBaseUrl !== undefined ? { genaiBaseUrl: this.#endpoint.genaiBaseUrl } : {}),
      };
      const pending = this.sdk === 'genai' ? createVertexGenaiBackend(options) : createVertexaiBackend(options);
      // A failed load (SDK not installed) is tried again on the next call rather than cached.
      pending.catch(() => {
        if (this.#backend === pending) this.#backend = undefined;
      });
      this.#backend = pending;
    }
    return this.#backend;
  }

  #errorContext(model: string, signal?: AbortSignal, state?: VertexStreamState) {
    return {
      provider: this.name,
      model,
      ...(signal !== undefined ? { signal } : {}),
      ...(this.credentialsPath !== undefined ? { credentialsPath: this.credentialsPath } : {}),
      ...(state?.usage !== undefined ? { usage: state.usage } : {}),
    };
  }
}
