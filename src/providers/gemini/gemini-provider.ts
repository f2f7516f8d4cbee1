import { ProviderError } from '../../errors/provider-error.js';
import { linkAbortSignal } from '../../internal/link-abort-signal.js';
import type { BaseLLMProvider } from '../../spec/base-llm-provider.js';
import type { ProviderRequest } from '../../spec/provider-request.js';
import type { ProviderResult } from '../../spec/provider-result.js';
import type { ProviderStreamEvent } from '../../spec/provider-stream-event.js';
import { createGeminiContentFilterError, isGeminiContentFilterRefusal } from './create-gemini-content-filter-error.js';
import { createGenaiBackend } from './create-genai-backend.js';
import { createGenerativeAiBackend } from './create-generative-ai-backend.js';
import type { GeminiBackend } from './gemini-backend.js';
import { geminiModelExists, listGeminiModels } from './list-gemini-models.js';
import { mapGeminiRequest } from './map-gemini-request.js';
import { mapGeminiResponse } from './map-gemini-response.js';
import { mapGeminiSdkError } from './map-gemini-sdk-error.js';
import { mapGoogleError } from './map-google-error.js';
import { toGeminiProviderResult } from './to-gemini-provider-result.js';

/** Which Google SDK the Gemini adapter drives. */
export type GeminiSdk = 'generative-ai' | 'genai';

/** Options of {@link GeminiProvider}. */
export interface GeminiProviderOptions {
  /** The provider entry's name in the config (`gemini`...). */
  name: string;
  /** The Gemini API key. @default `GEMINI_API_KEY`, else `GOOGLE_API_KEY` from the environment */
  apiKey?: string;
  /**
   * The API root, without the version. @default 'https://generativelanguage.googleapis.com'
   * @example 'http://127.0.0.1:8080'
   */
  baseUrl?: string;
  /**
   * `generative-ai` is `@google/generative-ai` (Google ended its support on 2025-08-31);
   * `genai` is `@google/genai`, Google's maintained SDK, recommended for new projects.
   * @default 'generative-ai'
   */
  sdk?: GeminiSdk;
}

/**
 * The Gemini API (Google AI Studio keys) through `@google/generative-ai` or `@google/genai`.
 * Both send the same generateContent body ({@link mapGeminiRequest}) and read answers the same
 * way ({@link mapGeminiResponse}). The SDK is loaded on first use and its client built once;
 * neither SDK retries. The API key is kept in a private field and scrubbed from messages.
 *
 * Content filters: a blocked prompt, or an answer stopped by a safety filter before any text,
 * is thrown as a `ProviderError` of kind `content_filter` carrying the reported usage (the
 * call stops there). An answer with some text that a filter cut short returns normally with
 * `finishReason: 'content_filter'`.
 */
export class GeminiProvider implements BaseLLMProvider {
  readonly name: string;
  readonly type = 'gemini';
  readonly sdk: GeminiSdk;
  readonly baseUrl?: string;
  readonly #apiKey?: string;
  #backend?: Promise<GeminiBackend>;

  constructor(options: GeminiProviderOptions) {
    this.name = options.name;
    this.sdk = options.sdk ?? 'generative-ai';
    if (options.baseUrl !== undefined) this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const apiKey = options.apiKey ?? process.env.GEMINI_API_KEY ?? process.env.GOOGLE_API_KEY;
    if (apiKey) this.#apiKey = apiKey;
  }

  async doSend(request: ProviderRequest): Promise<ProviderResult> {
    const context = this.#errorContext(request.model, request.signal);
    let response;
    // Both SDKs add an abort listener to the signal they get and never remove it: each call gets its own.
    const { controller, dispose } = linkAbortSignal(request.signal);
    try {
      const backend = await this.#getBackend(request.model);
      // `@google/generative-ai` ignores a signal that is already aborted when the call starts.
      request.signal.throwIfAborted();
      response = await backend.generate(request.model, mapGeminiRequest(request), controller.signal);
    } catch (error) {
      throw mapGeminiSdkError(error, context);
    } finally {
      dispose();
    }
    return toGeminiProviderResult(response, { provider: this.name, model: request.model });
  }

  async *doStream(request: ProviderRequest): AsyncGenerator<ProviderStreamEvent> {
    // Aborted in `finally` when the consumer stops early, so the upstream request is closed.
    const upstream = new AbortController();
    const forwardAbort = () => upstream.abort(request.signal.reason);
    if (request.signal.aborted) forwardAbort();
    else request.signal.addEventListener('abort', forwardAbort, { once: true });
    const context = this.#errorContext(request.model, request.signal);
    let completed = false;
    let iterator: AsyncIterator<unknown> | undefined;
    try {
      let chunks: AsyncIterable<unknown>;
      try {
        const backend = await this.#getBackend(request.model);
        upstream.signal.throwIfAborted();
        chunks = await backend.stream(request.model, mapGeminiRequest(request), upstream.signal);
      } catch (error) {
        throw mapGeminiSdkError(error, context);
      }
      let text = '';
      let finished = false;
      iterator = chunks[Symbol.asyncIterator]();
      while (true) {
        let next: IteratorResult<unknown>;
        try {
          next = await iterator.next();
          // Chunks already buffered when the signal fired are not delivered: an abort ends the stream now.
          request.signal.throwIfAborted();
        } catch (error) {
          throw mapGeminiSdkError(error, context);
        }
        if (next.done) break;
        const chunk = next.value as Record<string, unknown>;
        if (typeof chunk.error === 'object' && chunk.error !== null) {
          // An error event inside a 200 stream (`@google/genai` throws these itself).
          throw this.#inBandError(chunk, request.model);
        }
        const mapped = mapGeminiResponse(chunk);
        if (isGeminiContentFilterRefusal(mapped, text)) {
          throw createGeminiContentFilterError({ provider: this.name, model: request.model, mapped });
        }
        if (mapped.text !== '') {
          text += mapped.text;
          yield { type: 'text-delta', text: mapped.text };
        }
        if (mapped.usage !== undefined) yield { type: 'usage', usage: mapped.usage };
        if (mapped.finishReason !== undefined && !finished) {
          finished = true;
          yield { type: 'finish', finishReason: mapped.finishReason, ...(mapped.responseModel === undefined ? {} : { responseModel: mapped.responseModel }) };
        }
      }
      if (request.signal.aborted) throw mapGeminiSdkError(request.signal.reason, context);
      completed = true;
    } finally {
      request.signal.removeEventListener('abort', forwardAbort);
      if (!completed) {
        upstream.abort();
        // Lets the SDK's generator run its own cleanup (reader lock); not awaited: the abort already closed the request.
        iterator?.return?.().catch(() => {});
      }
    }
  }

  async listModels(): Promise<string[]> {
    return listGeminiModels({ providerName: this.name, apiKey: this.#requireApiKey('*'), ...(this.baseUrl === undefined ? {} : { baseUrl: this.baseUrl }) });
  }

  /** Asks the API for the model's record (`GET /v1beta/models/{model}`): no tokens spent. */
  async validateModel(model: string): Promise<boolean> {
    return geminiModelExists({ providerName: this.name, apiKey: this.#requireApiKey(model), model, ...(this.baseUrl === undefined ? {} : { baseUrl: this.baseUrl }) });
  }

  #getBackend(model: string): Promise<GeminiBackend> {
    if (this.#backend === undefined) {
      const options = { providerName: this.name, apiKey: this.#requireApiKey(model), ...(this.baseUrl === undefined ? {} : { baseUrl: this.baseUrl }) };
      this.#backend = this.sdk === 'genai' ? createGenaiBackend(options) : createGenerativeAiBackend(options);
      // A failed load (SDK not installed) is retried on the next call rather than cached.
      this.#backend.catch(() => {
        this.#backend = undefined;
      });
    }
    return this.#backend;
  }

  #requireApiKey(model: string): string {
    if (this.#apiKey === undefined) {
      throw new ProviderError({ provider: this.name, model, kind: 'auth', message: 'no API key: set api_key (or GEMINI_API_KEY)' });
    }
    return this.#apiKey;
  }

  #inBandError(chunk: Record<string, unknown>, model: string): ProviderError {
    const classification = mapGoogleError(undefined, chunk);
    return new ProviderError({
      provider: this.name,
      model,
      kind: classification.kind,
      message: classification.message,
      cause: chunk.error,
      ...(classification.status === undefined ? {} : { status: classification.status }),
      ...(classification.retryAfterMs === undefined ? {} : { retryAfterMs: classification.retryAfterMs }),
    });
  }

  #errorContext(model: string, signal: AbortSignal) {
    return { provider: this.name, model, signal, ...(this.#apiKey === undefined ? {} : { secret: this.#apiKey }) };
  }
}
