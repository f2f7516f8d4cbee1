import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { ProviderError } from '../../errors/provider-error.js';
import type { BaseLLMProvider } from '../../spec/base-llm-provider.js';
import type { FinishReason } from '../../spec/finish-reason.js';
import type { ProviderRequest } from '../../spec/provider-request.js';
import type { ProviderResult } from '../../spec/provider-result.js';
import type { ProviderStreamEvent } from '../../spec/provider-stream-event.js';
import { createOpenAIClient, type OpenAIClientHandle } from './create-openai-client.js';
import { type AbortState, type AttemptAbort, attemptStateOf, cutWhenLeft } from '../../internal/attempt-abort.js';
import { linkAbortSignal } from '../../internal/link-abort-signal.js';
import { mapOpenAIError } from './map-openai-error.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIRequest, type OpenAIChatBody } from './map-openai-request.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import { type ServerSentEvent, ServerSentEventReader } from '../../internal/server-sent-event-reader.js';

/** How to build an {@link OpenAIProvider}. */
export interface OpenAIProviderOptions {
  /** The provider entry name from the config (`openai`, `together`...); errors carry it. */
  name: string;
  /**
   * The API key. Kept private: never an enumerable property, never in a message.
   * @default a placeholder (`'no-key'`), for local OpenAI-compatible servers that need none
   */
  apiKey?: string;
  /**
   * The SDK's base URL, `/v1` included.
   * @default the SDK's (`https://api.openai.com/v1`, or `OPENAI_BASE_URL`)
   * @example 'https://api.together.xyz/v1'
   */
  baseUrl?: string;
  /**
   * The provider type reported by {@link OpenAIProvider.type}.
   * @default 'openai'
   */
  type?: string;
}

const maxModelPages = 100;

/** The reason a stream left early is aborted with: one object, so no `DOMException` is built per abort. */
const stoppedEarly = new Error('the stream was left before it completed');

/**
 * The adapter for OpenAI's Chat Completions API and any OpenAI-compatible server, through the
 * official `openai` SDK (loaded on first use, one client per instance, SDK retries off).
 * Every failure is thrown as a `ProviderError` (see `mapOpenAIError`).
 */
export class OpenAIProvider implements BaseLLMProvider {
  readonly name: string;
  readonly type: string;
  readonly #apiKey: string | undefined;
  readonly #baseUrl: string | undefined;
  #client: Promise<OpenAIClientHandle> | undefined;
  /** The client once built: calls then take it without an `await`. */
  #ready: OpenAIClientHandle | undefined;

  constructor(options: OpenAIProviderOptions) {
    this.name = options.name;
    this.type = options.type ?? 'openai';
    this.#apiKey = options.apiKey;
    this.#baseUrl = options.baseUrl;
  }

  /** One non-streaming Chat Completions call. */
  async doSend(request: ProviderRequest): Promise<ProviderResult> {
    const handle = this.#ready ?? (await this.#loadClient());
    const body = mapOpenAIRequest(request);
    // The SDK never removes the listener it adds to the signal: a per-call one is linked,
    // unless the signal is the attempt's own (see `ProviderRequest.signalPerAttempt`). One that
    // nothing will abort is left out (and not even read): the SDK skips its abort bookkeeping.
    const neverAborts = request.signalNeverAborts === true;
    const linked = neverAborts || request.signalPerAttempt === true ? undefined : linkAbortSignal(request.signal);
    const signal = neverAborts ? undefined : linked === undefined ? request.signal : linked.controller.signal;
    let completion: ChatCompletion;
    try {
      completion = await handle.client.chat.completions.create(body as ChatCompletionCreateParamsNonStreaming, signal === undefined ? undefined : { signal });
    } catch (error) {
      throw this.#mapError(error, handle, request.model, signal);
    } finally {
      linked?.dispose();
    }
    const choice = completion.choices[0];
    const content = choice?.message?.content ?? '';
    const refused = content === '' && typeof choice?.message?.refusal === 'string' && choice.message.refusal !== '';
    const usage = mapOpenAIUsage(completion.usage);
    return {
      content,
      finishReason: refused ? 'content_filter' : mapOpenAIFinishReason(choice?.finish_reason),
      ...(usage === undefined ? {} : { usage }),
      ...(typeof completion.model === 'string' && completion.model !== '' ? { responseModel: completion.model } : {}),
    };
  }

  /**
   * One streaming call. Yields `text-delta` for each non-empty content delta, `usage` from the
   * usage chunk (`stream_options.include_usage`), and `finish` only once `data: [DONE]` arrived:
   * a body that ends without it yields no `finish`. The SSE body is read here rather than through
   * the SDK's iterator, because that iterator ends the same way with or without `[DONE]` and
   * swallows aborts. Stopping early (break/return) aborts the HTTP request; reading on after
   * `finish` reads the body to its end (what follows `[DONE]` is ignored) and ends the request
   * normally. With `streamEndsByReturn` the SDK call gets no signal: a stream left before the
   * request went out sends none, and once the response is here, leaving the attempt cancels the
   * body.
   */
  async *doStream(request: ProviderRequest): AsyncGenerator<ProviderStreamEvent> {
    const handle = this.#ready ?? (await this.#loadClient());
    // Only a return() can end the attempt early: the SDK gets no signal (no abort bookkeeping);
    // once the response is here, the attempt's abort cuts a body read still waiting.
    const endsByReturn = request.streamEndsByReturn === true;
    // Else a per-call signal, as in `doSend`, unless the signal is the attempt's own: its owner
    // then aborts it when the attempt ends early, and its listeners go with it.
    const linked = endsByReturn || request.signalPerAttempt === true ? undefined : linkAbortSignal(request.signal);
    const sdkSignal = endsByReturn ? undefined : linked === undefined ? request.signal : linked.controller.signal;
    // Whether the attempt was left: the attempt itself when the orchestrator attached it (no signal made).
    const signal: AttemptAbort | AbortSignal = endsByReturn ? attemptStateOf(request) : (sdkSignal as AbortSignal);
    let completed = false;
    try {
      // `providerOptions` cannot set the stream fields (see `mapOpenAIRequest`).
      const body = mapOpenAIRequest(request) as OpenAIChatBody & { stream: true; stream_options: { include_usage: true } };
      body.stream = true;
      body.stream_options = { include_usage: true };
      let response: Response;
      try {
        // A stream left before its request went out sends none.
        if (signal.aborted) throw signal.reason;
        response = await handle.client.chat.completions
          .create(body as ChatCompletionCreateParamsStreaming, sdkSignal === undefined ? undefined : { signal: sdkSignal })
          .asResponse();
      } catch (error) {
        throw this.#mapError(error, handle, request.model, signal);
      }
      if (!response.body) throw this.#mapError(new TypeError('the stream response has no body'), handle, request.model, signal);
      let finishReason: FinishReason = 'other';
      let responseModel: string | undefined;
      // Read chunk by chunk (one await per network chunk, not one generator step per event).
      const events = new ServerSentEventReader(response.body);
      // Without the SDK's signal nothing else would end a body read still waiting when the
      // attempt is left (at once if it was left while the response was on its way).
      const stopCutting = endsByReturn ? cutWhenLeft(signal, () => events.close()) : undefined;
      try {
        for (;;) {
          let batch: ServerSentEvent[] | undefined;
          try {
            batch = await events.read();
          } catch (error) {
            throw this.#mapError(error, handle, request.model, signal, true);
          }
          // Some fetch implementations (msw's among them) keep delivering a buffered body after
          // an abort: nothing read after it counts.
          if (signal.aborted) throw this.#mapError(signal.reason, handle, request.model, signal);
          if (batch === undefined) return;
          for (const { data } of batch) {
            // Events already buffered when the signal fired are not delivered either.
            if (signal.aborted) throw this.#mapError(signal.reason, handle, request.model, signal);
            if (data.startsWith('[DONE]')) {
              completed = true;
              yield { type: 'finish', finishReason, ...(responseModel === undefined ? {} : { responseModel }) };
              // A consumer that reads on gets the body read to its end: the request then ends
              // normally instead of being cancelled. Whatever follows `[DONE]` carries nothing.
              try {
                for (;;) {
                  if (signal.aborted || (await events.read()) === undefined) break;
                }
              } catch {
                // The request already completed; a failure while reading its tail changes nothing.
              }
              return;
            }
            const chunk = this.#parseChunk(data, handle, request.model, response.headers);
            if (typeof chunk.model === 'string' && chunk.model !== '') responseModel = chunk.model;
            const choice = chunk.choices?.[0];
            const text = choice?.delta?.content;
            if (typeof text === 'string' && text !== '') yield { type: 'text-delta', text };
            if (choice?.finish_reason) finishReason = mapOpenAIFinishReason(choice.finish_reason);
            const usage = mapOpenAIUsage(chunk.usage);
            if (usage !== undefined) yield { type: 'usage', usage };
          }
        }
      } finally {
        stopCutting?.();
        events.close();
      }
    } finally {
      if (linked !== undefined) {
        linked.dispose();
        if (!completed) linked.controller.abort(stoppedEarly);
      }
    }
  }

  /** The ids of the models the server lists (all pages, `after` cursor), fine-tuned `ft:` ids left out. */
  async listModels(): Promise<string[]> {
    const handle = await this.#loadClient();
    const ids: string[] = [];
    let after: string | undefined;
    try {
      for (let page = 0; page < maxModelPages; page += 1) {
        const result = await handle.client.models.list(after === undefined ? undefined : { query: { after } });
        for (const model of result.data) {
          if (typeof model.id === 'string' && !model.id.startsWith('ft:')) ids.push(model.id);
        }
        const last = result.data.at(-1)?.id;
        // The SDK's `Page` keeps `has_more` only in its (protected) raw body.
        const hasMore = (result as unknown as { body?: { has_more?: unknown } }).body?.has_more === true;
        if (!hasMore || last === undefined || last === after) break;
        after = last;
      }
    } catch (error) {
      throw this.#mapError(error, handle, '*');
    }
    return ids;
  }

  /**
   * Whether `model` answers a one-token request: `false` when the provider says it does not
   * exist (`not_found`); any other failure is thrown. Reasoning models reject `max_tokens`, so
   * that answer is retried once with `max_completion_tokens`.
   */
  async validateModel(model: string): Promise<boolean> {
    const base = { model, messages: [{ role: 'user' as const, content: 'ping' }], signal: AbortSignal.timeout(60_000) };
    try {
      await this.doSend({ ...base, maxTokens: 1 });
      return true;
    } catch (error) {
      const providerError = error as ProviderError;
      if (providerError.kind === 'not_found') return false;
      if (!isUnsupportedMaxTokens(providerError)) throw error;
    }
    try {
      await this.doSend({ ...base, providerOptions: { max_completion_tokens: 1 } });
      return true;
    } catch (error) {
      if ((error as ProviderError).kind === 'not_found') return false;
      throw error;
    }
  }

  #loadClient(): Promise<OpenAIClientHandle> {
    if (!this.#client) {
      const settings = { providerName: this.name, ...(this.#apiKey === undefined ? {} : { apiKey: this.#apiKey }), ...(this.#baseUrl === undefined ? {} : { baseUrl: this.#baseUrl }) };
      this.#client = createOpenAIClient(settings).then((handle) => {
        this.#ready = handle;
        return handle;
      });
      // A failed load (package missing) is retried on the next call rather than cached.
      this.#client.catch(() => {
        this.#client = undefined;
      });
    }
    return this.#client;
  }

  #parseChunk(data: string, handle: OpenAIClientHandle, model: string, headers: Headers): ChatCompletionChunk {
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch (error) {
      throw this.#mapError(error, handle, model);
    }
    const inBandError = (chunk as { error?: unknown } | null)?.error;
    if (inBandError) {
      // The same error the SDK's own stream iterator throws for `data: {"error": ...}`.
      throw this.#mapError(new handle.sdk.APIError(undefined, inBandError as object, undefined, headers), handle, model);
    }
    return chunk as ChatCompletionChunk;
  }

  #mapError(error: unknown, handle: OpenAIClientHandle, model: string, signal?: AbortState, whileReadingBody = false): ProviderError {
    return mapOpenAIError(error, {
      provider: this.name,
      model,
      sdk: handle.sdk,
      ...(signal === undefined ? {} : { signal }),
      whileReadingBody,
      secrets: this.#apiKey === undefined ? [] : [this.#apiKey],
      apiKeyConfigured: this.#apiKey !== undefined,
    });
  }
}

function isUnsupportedMaxTokens(error: ProviderError): boolean {
  const cause = error.cause as { code?: unknown; param?: unknown } | undefined;
  return error.kind === 'invalid_request' && cause?.code === 'unsupported_parameter' && cause.param === 'max_tokens';
}
