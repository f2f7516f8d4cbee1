import { ProviderError } from '../../errors/provider-error.js';
import type { ProviderStreamEvent } from '../../spec/provider-stream-event.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
import { type AnthropicUsage, mapAnthropicUsage, mergeAnthropicUsage } from './map-anthropic-usage.js';

/** The raw stream events this reader looks at (the SDK's `RawMessageStreamEvent`, loosely). */
export interface AnthropicRawEvent {
  type: string;
  message?: { model?: string; usage?: AnthropicUsage };
  content_block?: { type?: string; text?: string };
  delta?: { type?: string; text?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
}

/**
 * Turns Anthropic's raw stream events into ours: `text-delta` for non-empty text (from
 * `content_block_start` and `text_delta`s; thinking and tool-input deltas are not answer
 * text), `usage` after `message_start` and each `message_delta` (fields of the later event
 * win), `finish` on `message_stop` only, with the `stop_reason` of `message_delta`.
 *
 * Throws the signal's reason as soon as `context.signal` is aborted. A `refusal` with no text at all is thrown as a `ProviderError` of kind `content_filter`
 * carrying the usage, as `doSend` does.
 */
export async function* readAnthropicStream(
  events: AsyncIterable<AnthropicRawEvent>,
  context: { provider: string; model: string; signal?: AbortSignal },
): AsyncGenerator<ProviderStreamEvent> {
  let usage: AnthropicUsage | undefined;
  let stopReason: string | null | undefined;
  let responseModel: string | undefined;
  let textSeen = false;
  for await (const event of events) {
    // Events already buffered when the signal fired are not delivered: an abort ends the stream now.
    context.signal?.throwIfAborted();
    switch (event.type) {
      case 'message_start':
        responseModel = event.message?.model;
        usage = mergeAnthropicUsage({}, event.message?.usage);
        yield { type: 'usage', usage: mapAnthropicUsage(usage) };
        break;
      case 'content_block_start':
        if (event.content_block?.type === 'text' && event.content_block.text) {
          textSeen = true;
          yield { type: 'text-delta', text: event.content_block.text };
        }
        break;
      case 'content_block_delta':
        if (event.delta?.type === 'text_delta' && event.delta.text) {
          textSeen = true;
          yield { type: 'text-delta', text: event.delta.text };
        }
        break;
      case 'message_delta':
        stopReason = event.delta?.stop_reason ?? stopReason;
        usage = mergeAnthropicUsage(usage ?? {}, event.usage);
        yield { type: 'usage', usage: mapAnthropicUsage(usage) };
        break;
      case 'message_stop': {
        const finishReason = mapAnthropicFinishReason(stopReason);
        if (finishReason === 'content_filter' && !textSeen) {
          throw new ProviderError({
            provider: context.provider,
            model: context.model,
            kind: 'content_filter',
            message: `refused (stop_reason: ${stopReason})`,
            ...(usage === undefined ? {} : { usage: mapAnthropicUsage(usage) }),
          });
        }
        yield { type: 'finish', finishReason, ...(responseModel === undefined ? {} : { responseModel }) };
        break;
      }
      default:
        // `ping`, `content_block_stop` and event types added later carry nothing we need.
        break;
    }
  }
}
