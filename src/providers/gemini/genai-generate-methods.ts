import type { GeminiBackend } from './gemini-backend.js';
import type { GeminiGenerateContentResponse } from './gemini-wire-types.js';
import { toGenaiParameters } from './to-genai-parameters.js';

/** What of a `@google/genai` client {@link genaiGenerateMethods} calls. */
interface GenaiModels {
  models: {
    generateContent(parameters: never): Promise<unknown>;
    generateContentStream(parameters: never): Promise<unknown>;
  };
}

/** `generate` and `stream` over a `@google/genai` client, for the Gemini API and Vertex alike. */
export function genaiGenerateMethods(client: GenaiModels): Pick<GeminiBackend, 'generate' | 'stream'> {
  return {
    async generate(model, body, signal) {
      const response = await client.models.generateContent(toGenaiParameters(model, body, signal) as never);
      return response as GeminiGenerateContentResponse;
    },
    async stream(model, body, signal) {
      const stream = await client.models.generateContentStream(toGenaiParameters(model, body, signal) as never);
      return stream as AsyncIterable<GeminiGenerateContentResponse>;
    },
  };
}
