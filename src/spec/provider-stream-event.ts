import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

/**
 * What an adapter's `doStream` yields. Failures are not events: the iterator throws a
 * `ProviderError` (in-band provider errors included).
 *
 * - `text-delta`: a piece of the answer, never empty.
 * - `usage`: usage so far; a later event replaces an earlier one (last value wins).
 * - `finish`: the provider's terminal event arrived (`[DONE]`, `message_stop`, `messageStop`,
 *   a Gemini chunk with a `finishReason`). A stream whose iterator ends without it is incomplete.
 */
export type ProviderStreamEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; finishReason: FinishReason; responseModel?: string };
