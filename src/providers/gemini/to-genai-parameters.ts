import type { GeminiGenerateContentRequest } from './gemini-wire-types.js';

/** The parameters `@google/genai`'s `models.generateContent(Stream)` takes. */
export interface GenaiGenerateContentParameters {
  model: string;
  contents: GeminiGenerateContentRequest['contents'];
  config: Record<string, unknown>;
}

/**
 * Turns a generateContent wire body into `@google/genai` parameters: `generationConfig`'s fields
 * and the other top-level fields (`systemInstruction`, `safetySettings`, `tools`...) go flat into
 * `config`, as that SDK wants them; it rebuilds the same wire body. Fields that SDK does not know
 * are dropped by it. Automatic continuation is turned off: one attempt is one HTTP request.
 */
export function toGenaiParameters(model: string, body: GeminiGenerateContentRequest, signal: AbortSignal): GenaiGenerateContentParameters {
  const { contents, generationConfig, ...rest } = body;
  return {
    model,
    contents,
    config: { ...generationConfig, ...rest, abortSignal: signal, automaticContinuation: false },
  };
}
