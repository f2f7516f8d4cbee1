/**
 * The parts of Google's generateContent wire format (Gemini API `v1beta` and Vertex AI) this
 * package reads and writes. Structural types of our own, so that both Google SDKs
 * (`@google/generative-ai`, `@google/genai`) and the Vertex adapter can share one mapping
 * without importing an SDK.
 */

/** One part of a message. Only text is sent; answers may hold other kinds of parts. */
export interface GeminiPart {
  text?: string;
  /** `true` on thought summaries (`includeThoughts`): reasoning, not answer text. */
  thought?: boolean;
  /** An opaque signature Gemini 3 attaches to parts (often with empty `text`). */
  thoughtSignature?: string;
  [key: string]: unknown;
}

/** A turn of the conversation: `user` or `model`. */
export interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

/** `generationConfig` of a generateContent request. */
export interface GeminiGenerationConfig {
  temperature?: number;
  maxOutputTokens?: number;
  topP?: number;
  stopSequences?: string[];
  [key: string]: unknown;
}

/** The body of a `:generateContent` / `:streamGenerateContent` request. */
export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  generationConfig?: GeminiGenerationConfig;
  [key: string]: unknown;
}

/** `usageMetadata` of a response (each streamed chunk carries the running totals). */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

/** One candidate answer. */
export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: string;
  finishMessage?: string;
  index?: number;
}

/** A `GenerateContentResponse` (a whole answer, or one streamed chunk). */
export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}
