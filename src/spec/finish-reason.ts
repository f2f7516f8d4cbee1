/**
 * Why the model stopped, normalized across providers.
 * `other` covers provider reasons with no counterpart here.
 */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'other';
