import type Anthropic from '@anthropic-ai/sdk';
import { ProviderError } from '../../errors/provider-error.js';
import { linkAbortSignal } from '../../internal/link-abort-signal.js';
import { loadOptionalSdk } from '../../internal/load-optional-sdk.js';
import type { BaseLLMProvider } from '../../spec/base-llm-provider.js';
import type { ProviderRequest } from '../../spec/provider-request.js';
import type { ProviderResult } from '../../spec/provider-result.js';
import type { ProviderStreamEvent } from '../../spec/provider-stream-event.js';
import { mapAnthropicError } from './map-anthropic-error.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
import { mapAnthropicRequest } from './map-anthropic-request.js';
import { type AnthropicRawEvent, type AnthropicStreamState, mapAnthropicStreamEvent } from './map-anthropic-stream-event.js';
import { mapAnthropicUsage } from './map-anthropic-usage.js';

/** Options of {@link AnthropicProvider}. */
export interface AnthropicProviderOptions {
  /** The provider entry's name in the config (`anthropic`...). */
  name: string;
  /** The API key. @default the SDK's own lookup (`ANTHROPIC_API_KEY`) */
  apiKey?: string;
  /**
   * The API root, without `/v1`. @default 'https://api.anthropic.com'
   * @example 'http://127.0.0.1:8080'
   */
  baseUrl?: string;
}

/** The reason a stream left early is aborted with: one object, so no `DOMException` is built per abort. */
const stoppedEarly = new Error('the stream was left before it completed');

/** The SDK's own limit for a non-streaming call; passing it also skips its "use streaming" check. */
const nonStreamingTimeoutMs = 10 * 60 * 1000;

/**
 * Anthropic's Messages API through `@anthropic-ai/sdk`, loaded on first use; the client is
 * built once, with the SDK's retries off (`maxRetries: 0`). The API key is kept in a private
 * field and scrubbed from error messages.
 *
 * Refusals: a `stop_reason: refusal` with no text is thrown as a `ProviderError` of kind
 * `content_filter` carrying the usage (the call stops: another model would most likely refuse
 * too, and the attempt is still billed); a refusal after some text returns that text with
 * `finishReason: 'content_filter'`.
 */
export class AnthropicProvider implements BaseLLMProvider {
  readonly name: string;
  readonly type = 'anthropic';
  readonly baseUrl?: string;
  readonly #apiKey?: string;
  #client?: Promise<Anthropic>;

  constructor(options: AnthropicProviderOptions) {
    this.name = options.name;
    if (options.baseUrl !== undefined) this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    if (options.apiKey) this.#apiKey = options.apiKey;
  }

  async doSend(request: ProviderRequest): Promise<ProviderResult> {
    const context = this.#errorContext(request.model, request.signal);
    let message: Anthropic.Message;
    // A per-call signal: the caller's may live across many attempts, and must not collect listeners.
    const { controller, dispose } = linkAbortSignal(request.signal);
    try {
      const client = await this.#getClient();
      request.signal.throwIfAborted();
      message = await client.messages.create({ ...mapAnthropicRequest(request), stream: false } as Anthropic.MessageCreateParamsNonStreaming, {
        signal: controller.signal,
        timeout: nonStreamingTimeoutMs,
      });
    } catch (error) {
      throw mapAnthropicError(error, context);
    } finally {
      dispose();
    }
    const content = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    const usage = mapAnthropicUsage(message.usage);
    const finishReason = mapAnthropicFinishReason(message.stop_reason);
    if (finishReason === 'content_filter' && content === '') {
      throw new ProviderError({ provider: this.name, model: request.model, kind: 'content_filter', message: `refused (stop_reason: ${message.stop_reason})`, usage });
    }
    return { content, finishReason, usage, responseModel: message.model };
  }

  async *doStream(request: ProviderRequest): AsyncGenerator<ProviderStreamEvent> {
    // Aborted in `finally` when the consumer stops early, so the upstream request is closed.
    const upstream = new AbortController();
    const forwardAbort = () => upstream.abort(request.signal.reason);
    if (request.signal.aborted) forwardAbort();
    else request.signal.addEventListener('abort', forwardAbort, { once: true });
    const context = this.#errorContext(request.model, request.signal);
    let completed = false;
    try {
      let events: AsyncIterable<AnthropicRawEvent>;
      try {
        const client = await this.#getClient();
        upstream.signal.throwIfAborted();
        events = (await client.messages.create({ ...mapAnthropicRequest(request), stream: true } as Anthropic.MessageCreateParamsStreaming, {
          signal: upstream.signal,
        })) as AsyncIterable<AnthropicRawEvent>;
      } catch (error) {
        throw mapAnthropicError(error, context);
      }
      // The mapping runs in this loop (not a nested generator): one generator less per stream.
      const state: AnthropicStreamState = { textSeen: false };
      const where = { provider: this.name, model: request.model };
      try {
        for await (const event of events) {
          // Events already buffered when the signal fired are not delivered: an abort ends the stream now.
          request.signal.throwIfAborted();
          const mapped = mapAnthropicStreamEvent(event, state, where);
          if (mapped !== undefined) yield mapped;
        }
      } catch (error) {
        throw mapAnthropicError(error, context);
      }
      // The SDK's iterator ends quietly when its request is aborted: that is not a complete stream.
      if (request.signal.aborted) throw mapAnthropicError(request.signal.reason, context);
      completed = true;
    } finally {
      request.signal.removeEventListener('abort', forwardAbort);
      if (!completed) upstream.abort(stoppedEarly);
    }
  }

  /** Every model `GET /v1/models` lists, all pages. */
  async listModels(): Promise<string[]> {
    const context = this.#errorContext('*');
    try {
      const client = await this.#getClient();
      const ids: string[] = [];
      for await (const model of client.models.list({ limit: 1000 })) ids.push(model.id);
      return ids;
    } catch (error) {
      throw mapAnthropicError(error, context);
    }
  }

  /** Asks the API for the model's record (`GET /v1/models/{model}`): no tokens spent; 404 is `false`. */
  async validateModel(model: string): Promise<boolean> {
    try {
      const client = await this.#getClient();
      await client.models.retrieve(model);
      return true;
    } catch (error) {
      const mapped = mapAnthropicError(error, this.#errorContext(model));
      if (mapped.kind === 'not_found') return false;
      throw mapped;
    }
  }

  #getClient(): Promise<Anthropic> {
    if (this.#client === undefined) {
      this.#client = loadOptionalSdk('@anthropic-ai/sdk', this.name, () => import('@anthropic-ai/sdk')).then(
        (sdk) =>
          new sdk.default({
            maxRetries: 0,
            ...(this.#apiKey === undefined ? {} : { apiKey: this.#apiKey }),
            ...(this.baseUrl === undefined ? {} : { baseURL: this.baseUrl }),
          }),
      );
      // A failed load (SDK not installed) is retried on the next call rather than cached.
      this.#client.catch(() => {
        this.#client = undefined;
      });
    }
    return this.#client;
  }

  #errorContext(model: string, signal?: AbortSignal) {
    return { provider: this.name, model, ...(signal === undefined ? {} : { signal }), ...(this.#apiKey === undefined ? {} : { secret: this.#apiKey }) };
  }
}
