import type { FinishReason } from '../../spec/finish-reason.js';

const contentFilterReasons: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * Maps a Gemini / Vertex `finishReason` to ours: `STOP` -> `stop`, `MAX_TOKENS` -> `length`,
 * `SAFETY`, `RECITATION`, `PROHIBITED_CONTENT`, `BLOCKLIST`, `SPII` (and their image
 * variants) -> `content_filter`, anything else (`MALFORMED_FUNCTION_CALL`, `OTHER`,
 * `LANGUAGE`, unknown values, none) -> `other`.
 *
 * Gemini has no finish reason of its own for function calls: they end with `STOP`.
 */
export function mapGeminiFinishReason(reason: string | null | undefined): FinishReason {
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== null && reason !== undefined && contentFilterReasons.has(reason)) return 'content_filter';
  return 'other';
}
