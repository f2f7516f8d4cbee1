import type { ProviderStreamEvent } from '../../spec/provider-stream-event.js';
import { type AnthropicRawEvent, type AnthropicStreamState, mapAnthropicStreamEvent } from './map-anthropic-stream-event.js';

export type { AnthropicRawEvent } from './map-anthropic-stream-event.js';

/**
 * Turns Anthropic's raw stream events into ours, one by one with {@link mapAnthropicStreamEvent}
 * (see there for the rules). The adapter runs the same mapping in its own loop; this generator
 * is for readers of a raw event stream that have no loop of their own.
 *
 * Throws the signal's reason as soon as `context.signal` is aborted. A `refusal` with no text at all is thrown as a `ProviderError` of kind `content_filter`
 * carrying the usage, as `doSend` does.
 */
export async function* readAnthropicStream(
  events: AsyncIterable<AnthropicRawEvent>,
  context: { provider: string; model: string; signal?: AbortSignal },
): AsyncGenerator<ProviderStreamEvent> {
  const state: AnthropicStreamState = { textSeen: false };
  for await (const event of events) {
    // Events already buffered when the signal fired are not delivered: an abort ends the stream now.
    context.signal?.throwIfAborted();
    const mapped = mapAnthropicStreamEvent(event, state, context);
    if (mapped !== undefined) yield mapped;
  }
}
