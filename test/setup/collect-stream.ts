import type { ProviderStreamEvent } from '../../src/spec/provider-stream-event.js';

/** What an adapter's stream produced before it ended or threw. */
export interface StreamOutcome {
  events: ProviderStreamEvent[];
  /** The `text-delta`s joined. */
  text: string;
  error?: unknown;
}

/** Reads a whole adapter stream, never throwing; `onText` sees the text so far after each `text-delta`. */
export async function collectStream(stream: AsyncIterable<ProviderStreamEvent>, onText?: (textSoFar: string) => void): Promise<StreamOutcome> {
  const outcome: StreamOutcome = { events: [], text: '' };
  try {
    for await (const event of stream) {
      outcome.events.push(event);
      if (event.type === 'text-delta') {
        outcome.text += event.text;
        onText?.(outcome.text);
      }
    }
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}
