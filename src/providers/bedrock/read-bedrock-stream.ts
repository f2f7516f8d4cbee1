import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { FinishReason } from '../../spec/finish-reason.js';
import type { ProviderStreamEvent } from '../../spec/provider-stream-event.js';
import type { Usage } from '../../spec/usage.js';
import { mapBedrockFinishReason } from './map-bedrock-finish-reason.js';
import { mapBedrockUsage } from './map-bedrock-usage.js';

/** What {@link readBedrockStream} reports to its caller while it runs. */
export interface BedrockStreamState {
  /** The last usage seen (from `metadata`), for errors raised after it. */
  usage?: Usage;
}

/**
 * Turns ConverseStream events into {@link ProviderStreamEvent}s.
 *
 * Bedrock sends `messageStop` (the stop reason) and then `metadata` (usage). `finish` is
 * yielded only once `messageStop` arrived, and after the `metadata` that follows it (or when
 * the stream ends without one), so a consumer that stops at `finish` has the usage too. A
 * stream that ends without `messageStop` yields no `finish`: it is incomplete. Exception
 * frames and socket errors are thrown by the SDK's iterator and pass through unchanged.
 */
export async function* readBedrockStream(
  events: AsyncIterable<ConverseStreamOutput>,
  state: BedrockStreamState,
): AsyncGenerator<ProviderStreamEvent> {
  let finishReason: FinishReason | undefined;
  for await (const event of events) {
    if (event.contentBlockDelta !== undefined) {
      const text = event.contentBlockDelta.delta?.text;
      if (text !== undefined && text !== '') yield { type: 'text-delta', text };
    } else if (event.messageStop !== undefined) {
      finishReason = mapBedrockFinishReason(event.messageStop.stopReason);
    } else if (event.metadata !== undefined) {
      const usage = mapBedrockUsage(event.metadata.usage);
      if (usage !== undefined) {
        state.usage = usage;
        yield { type: 'usage', usage };
      }
      // `metadata` is the last event Bedrock sends after `messageStop`.
      if (finishReason !== undefined) {
        yield { type: 'finish', finishReason };
        return;
      }
    }
  }
  if (finishReason !== undefined) yield { type: 'finish', finishReason };
}
