import type Anthropic from '@anthropic-ai/sdk';
import { ProviderError } from '../../errors/provider-error.js';
import { type AbortState, type AttemptAbort, attemptStateOf, cutWhenLeft } from '../../internal/attempt-abort.js';
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
import { type ServerSentEvent, ServerSentEventReader } from '../../internal/server-sent-event-reader.js';

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

/** The SDK's `APIError` class (its constructor is what matters here). */
type AnthropicApiErrorClass = typeof Anthropic.APIError;

/**
 * The error the SDK's own stream iterator throws for an in-band `event: error`: an `APIError`
 * without a status, its `type` read from `data` (`{"type":"error","error":{"type":...}}`).
 */
function inBandError(apiError: AnthropicApiErrorClass, data: string, headers: Headers): Error {
  let body: unknown = data;
  try {
    body = JSON.parse(data) ?? data;
  } catch {
    // Not JSON: the raw text is the error, as in the SDK.
  }
  // The constructor reads `type` from `body.error.type` itself.
  return new apiError(undefined, body as object, undefined, headers);
}

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
  /** The client once built: calls then take it without an `await`. */
  #ready?: Anthropic;

  constructor(options: AnthropicProviderOptions) {
    this.name = options.name;
    if (options.baseUrl !== undefined) this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    if (options.apiKey) this.#apiKey = options.apiKey;
  }

  async doSend(request: ProviderRequest): Promise<ProviderResult> {
    // A signal nothing will abort is left out (and not even read): the SDK then skips its abort bookkeeping.
    const signal = request.signalNeverAborts === true ? undefined : request.signal;
    let message: Anthropic.Message;
    try {
      const client = this.#ready ?? (await this.#getClient());
      signal?.throwIfAborted();
      // The caller's signal is passed as it is: for a non-streaming call the SDK (1.x) removes
      // its abort listener once the body is parsed or the call failed, so a long-lived signal
      // collects no listeners, and no per-call AbortController is needed.
      message = await client.messages.create(
        mapAnthropicRequest(request, false) as Anthropic.MessageCreateParamsNonStreaming,
        signal === undefined ? { timeout: nonStreamingTimeoutMs } : { signal, timeout: nonStreamingTimeoutMs },
      );
    } catch (error) {
      throw mapAnthropicError(error, this.#errorContext(request.model, signal));
    }
    let content = '';
    let usage: ReturnType<typeof mapAnthropicUsage>;
    let finishReason: ReturnType<typeof mapAnthropicFinishReason>;
    try {
      // A 200 whose body is not a message (a proxy's HTML page parses as text) is a ProviderError.
      const blocks = message.content;
      if (!Array.isArray(blocks)) throw new TypeError(`the message's content is not a list of blocks (${blocks === null ? 'null' : typeof blocks})`);
      for (const block of blocks) {
        // As `join` would: a text block without text adds nothing.
        if (block.type === 'text' && block.text !== undefined && block.text !== null) content += block.text;
      }
      usage = mapAnthropicUsage(message.usage);
      finishReason = mapAnthropicFinishReason(message.stop_reason);
    } catch (error) {
      throw mapAnthropicError(error, this.#errorContext(request.model, signal));
    }
    if (finishReason === 'content_filter' && content === '') {
      throw new ProviderError({ provider: this.name, model: request.model, kind: 'content_filter', message: `refused (stop_reason: ${message.stop_reason})`, usage });
    }
    return { content, finishReason, usage, responseModel: message.model };
  }

  /**
   * One streaming call. The SSE body is read here (`.asResponse()` and
   * {@link ServerSentEventReader}, one `await` per network chunk) rather than through the SDK's
   * `Stream` iterator, which costs nested generators, a line decoder and an abort check per
   * event. HTTP errors still come out of the SDK as its `APIError`; an in-band `event: error`
   * is turned into the same `APIError` the SDK's iterator throws, so {@link mapAnthropicError}
   * classifies both as before. An event whose data is not JSON throws (kind `unknown`). Stopping
   * early (break/return) cancels the body and aborts the HTTP request; an abort of the
   * request's signal is thrown as kind `aborted`, never a quiet end. With `streamEndsByReturn`
   * the SDK call gets no signal: a stream left before the request went out sends none, and once
   * the response is here, leaving the attempt cancels the body.
   */
  async *doStream(request: ProviderRequest): AsyncGenerator<ProviderStreamEvent> {
    // Only a return() can end the attempt early: the SDK gets no signal (no abort bookkeeping);
    // once the response is here, the attempt's abort cuts a body read still waiting.
    const endsByReturn = request.streamEndsByReturn === true;
    // Else a per-call signal: the SDK adds a listener to the signal it gets and never removes
    // it when the body is read through `.asResponse()`. A signal that is the attempt's own (the
    // orchestrator's) is passed as it is: its listeners go with it, and its owner aborts it
    // when the attempt ends early.
    const linked = endsByReturn || request.signalPerAttempt === true ? undefined : linkAbortSignal(request.signal);
    const sdkSignal = endsByReturn ? undefined : linked === undefined ? request.signal : linked.controller.signal;
    // Whether the attempt was left: the attempt itself when the orchestrator attached it (no signal made).
    const signal: AttemptAbort | AbortSignal = endsByReturn ? attemptStateOf(request) : request.signal;
    const context = this.#errorContext(request.model, signal);
    let completed = false;
    try {
      let response: Response;
      let apiError: AnthropicApiErrorClass;
      try {
        const client = this.#ready ?? (await this.#getClient());
        apiError = (client.constructor as typeof Anthropic).APIError;
        // A stream left before its request went out sends none.
        if (signal.aborted) throw mapAnthropicError(signal.reason, context);
        response = await client.messages
          .create(mapAnthropicRequest(request, true) as Anthropic.MessageCreateParamsStreaming, sdkSignal === undefined ? undefined : { signal: sdkSignal })
          .asResponse();
      } catch (error) {
        throw mapAnthropicError(error, context);
      }
      if (!response.body) throw mapAnthropicError(new TypeError('the stream response has no body'), context);
      // The mapping runs in this loop (not a nested generator): one generator less per stream.
      const state: AnthropicStreamState = { textSeen: false };
      const where = { provider: this.name, model: request.model };
      // `event: error` with no data line still fails the stream, as in the SDK's own iterator.
      const body = new ServerSentEventReader(response.body, { dispatchNamedWithoutData: true });
      // Without the SDK's signal nothing else would end a body read still waiting when the
      // attempt is left (at once if it was left while the response was on its way).
      const stopCutting = endsByReturn ? cutWhenLeft(signal, () => body.close()) : undefined;
      try {
        for (;;) {
          let events: ServerSentEvent[] | undefined;
          try {
            events = await body.read();
          } catch (error) {
            throw mapAnthropicError(error, context);
          }
          if (events === undefined) break;
          for (const { event: name, data } of events) {
            // Events already buffered when the signal fired are not delivered: an abort ends the stream now.
            if (signal.aborted) throw mapAnthropicError(signal.reason, context);
            // As the SDK's iterator: events without a name (and `ping`s) carry nothing.
            if (name === undefined || name === 'ping') continue;
            if (name === 'error') throw mapAnthropicError(inBandError(apiError, data, response.headers), context);
            if (data === '') continue;
            let mapped: ProviderStreamEvent | undefined;
            try {
              // A malformed event (not JSON, `null`, a field of the wrong type) is a ProviderError too.
              mapped = mapAnthropicStreamEvent(JSON.parse(data) as AnthropicRawEvent, state, where);
            } catch (error) {
              throw mapAnthropicError(error, context);
            }
            if (mapped !== undefined) yield mapped;
          }
        }
        // Some fetch implementations (msw's among them) keep delivering a buffered body after an
        // abort, and the body may end right after: an aborted stream never ends quietly.
        if (signal.aborted) throw mapAnthropicError(signal.reason, context);
      } finally {
        stopCutting?.();
        body.close();
      }
      completed = true;
    } finally {
      if (linked !== undefined) {
        linked.dispose();
        if (!completed) linked.controller.abort(stoppedEarly);
      }
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
      this.#client = loadOptionalSdk('@anthropic-ai/sdk', this.name, () => import('@anthropic-ai/sdk')).then((sdk) => {
        this.#ready = new sdk.default({
          maxRetries: 0,
          ...(this.#apiKey === undefined ? {} : { apiKey: this.#apiKey }),
          ...(this.baseUrl === undefined ? {} : { baseURL: this.baseUrl }),
        });
        return this.#ready;
      });
      // A failed load (SDK not installed) is retried on the next call rather than cached.
      this.#client.catch(() => {
        this.#client = undefined;
      });
    }
    return this.#client;
  }

  #errorContext(model: string, signal?: AbortState) {
    return { provider: this.name, model, ...(signal === undefined ? {} : { signal }), ...(this.#apiKey === undefined ? {} : { secret: this.#apiKey }) };
  }
}
