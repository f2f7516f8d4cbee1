import { ProviderError } from '../../errors/provider-error.js';
import type { ProviderStreamEvent } from '../../spec/provider-stream-event.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
import { type AnthropicUsage, mapAnthropicUsage, mergeAnthropicUsage } from './map-anthropic-usage.js';

/** The raw stream events this mapper looks at (the SDK's `RawMessageStreamEvent`, loosely). */
export interface AnthropicRawEvent {
  type: string;
  message?: { model?: string; usage?: AnthropicUsage };
  content_block?: { type?: string; text?: string };
  delta?: { type?: string; text?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
}

/** What one stream has seen so far; start with `{ textSeen: false }`. */
export interface AnthropicStreamState {
  usage?: AnthropicUsage;
  stopReason?: string | null;
  responseModel?: string;
  textSeen: boolean;
}

/**
 * Maps one of Anthropic's raw stream events to ours (at most one per raw event), updating
 * `state`: `text-delta` for non-empty text (from `content_block_start` and `text_delta`s;
 * thinking and tool-input deltas are not answer text), `usage` after `message_start` and each
 * `message_delta` (fields of the later event win), `finish` on `message_stop` only, with the
 * `stop_reason` of `message_delta`. `undefined` for events that carry nothing we need (`ping`,
 * `content_block_stop`, types added later). A function rather than a generator, so the
 * adapter's own loop maps each event without one more generator per stream.
 *
 * @throws ProviderError of kind `content_filter` (carrying the usage) on `message_stop` after a
 *   `refusal` with no text at all, as `doSend` does.
 */
export function mapAnthropicStreamEvent(event: AnthropicRawEvent, state: AnthropicStreamState, context: { provider: string; model: string }): ProviderStreamEvent | undefined {
  switch (event.type) {
    case 'content_block_delta':
      if (event.delta?.type === 'text_delta' && event.delta.text) {
        state.textSeen = true;
        return { type: 'text-delta', text: event.delta.text };
      }
      return undefined;
    case 'message_start': {
      const model = event.message?.model;
      if (model !== undefined) state.responseModel = model;
      state.usage = mergeAnthropicUsage({}, event.message?.usage);
      return { type: 'usage', usage: mapAnthropicUsage(state.usage) };
    }
    case 'content_block_start':
      if (event.content_block?.type === 'text' && event.content_block.text) {
        state.textSeen = true;
        return { type: 'text-delta', text: event.content_block.text };
      }
      return undefined;
    case 'message_delta':
      state.stopReason = event.delta?.stop_reason ?? state.stopReason;
      state.usage = mergeAnthropicUsage(state.usage ?? {}, event.usage);
      return { type: 'usage', usage: mapAnthropicUsage(state.usage) };
    case 'message_stop': {
      const finishReason = mapAnthropicFinishReason(state.stopReason);
      if (finishReason === 'content_filter' && !state.textSeen) {
        throw new ProviderError({
          provider: context.provider,
          model: context.model,
          kind: 'content_filter',
          message: `refused (stop_reason: ${state.stopReason})`,
          ...(state.usage === undefined ? {} : { usage: mapAnthropicUsage(state.usage) }),
        });
      }
      return { type: 'finish', finishReason, ...(state.responseModel === undefined ? {} : { responseModel: state.responseModel }) };
    }
    default:
      return undefined;
  }
}
