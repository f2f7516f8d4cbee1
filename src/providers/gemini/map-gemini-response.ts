import type { FinishReason } from '../../spec/finish-reason.js';
import type { Usage } from '../../spec/usage.js';
import type { GeminiGenerateContentResponse } from './gemini-wire-types.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';

/** What one Gemini / Vertex response (or one streamed chunk) means to us. */
export interface MappedGeminiResponse {
  /** The first candidate's answer text: its text parts joined, thought summaries left out. May be empty. */
  text: string;
  /** Our finish reason, present only when the candidate carries a `finishReason`. */
  finishReason?: FinishReason;
  /** The provider's own `finishReason` (`STOP`, `SAFETY`...), for messages. */
  rawFinishReason?: string;
  /** Usage from `usageMetadata`, when the response has it. */
  usage?: Usage;
  /**
   * Set when the prompt itself was blocked (`promptFeedback.blockReason`) and no candidate
   * came back: the request failed with a content filter before any answer.
   */
  promptBlockReason?: string;
  /** `promptFeedback.blockReasonMessage` or the candidate's `finishMessage`, when given. */
  blockMessage?: string;
  /** `modelVersion`: the model that answered. */
  responseModel?: string;
}

/**
 * Reads a `GenerateContentResponse`-shaped object (the whole answer of `generateContent`, or
 * one chunk of `streamGenerateContent`, from either Google SDK or the raw wire):
 * text, finish reason, usage and whether the prompt was blocked. Parts with empty text (the
 * `thoughtSignature` parts of Gemini 3) add nothing; parts marked `thought: true` are
 * reasoning summaries, not answer text, and are left out.
 *
 * Only the first candidate is read: this package asks for one.
 */
export function mapGeminiResponse(response: GeminiGenerateContentResponse): MappedGeminiResponse {
  const candidate = response.candidates?.[0];
  let text = '';
  for (const part of candidate?.content?.parts ?? []) {
    if (part.thought === true) continue;
    if (typeof part.text === 'string') text += part.text;
  }

  const mapped: MappedGeminiResponse = { text };
  const rawFinishReason = candidate?.finishReason;
  if (rawFinishReason !== undefined && rawFinishReason !== null && rawFinishReason !== 'FINISH_REASON_UNSPECIFIED') {
    mapped.rawFinishReason = rawFinishReason;
    mapped.finishReason = mapGeminiFinishReason(rawFinishReason);
  }
  const usage = mapGeminiUsage(response.usageMetadata);
  if (usage !== undefined) mapped.usage = usage;
  const blockReason = response.promptFeedback?.blockReason;
  if ((response.candidates === undefined || response.candidates.length === 0) && blockReason) {
    mapped.promptBlockReason = blockReason;
  }
  const blockMessage = response.promptFeedback?.blockReasonMessage ?? candidate?.finishMessage;
  if (blockMessage) mapped.blockMessage = blockMessage;
  if (response.modelVersion) mapped.responseModel = response.modelVersion;
  return mapped;
}
