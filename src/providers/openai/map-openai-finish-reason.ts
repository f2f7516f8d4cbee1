import type { FinishReason } from '../../spec/finish-reason.js';

/**
 * Maps a Chat Completions `finish_reason` to {@link FinishReason}. The legacy `function_call`
 * counts as `tool_calls`; anything unknown (or missing) is `other`.
 */
export function mapOpenAIFinishReason(finishReason: string | null | undefined): FinishReason {
  switch (finishReason) {
    case 'stop':
    case 'length':
    case 'content_filter':
    case 'tool_calls':
      return finishReason;
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}
