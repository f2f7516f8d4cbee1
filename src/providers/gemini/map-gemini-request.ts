import type { ProviderRequest } from '../../spec/provider-request.js';
import type { GeminiContent, GeminiGenerateContentRequest, GeminiGenerationConfig } from './gemini-wire-types.js';

/** What {@link mapGeminiRequest} reads from a request: no model, no signal. */
export type GeminiRequestInput = Pick<ProviderRequest, 'messages' | 'temperature' | 'maxTokens' | 'topP' | 'stop' | 'providerOptions'>;

/**
 * Maps our request to a Gemini / Vertex `generateContent` body:
 * - `system` messages (wherever they are) -> `systemInstruction`, one text part each, in order;
 * - `user` -> role `user`, `assistant` -> role `model`; consecutive messages of the same role
 *   are merged into one content with one part per message (Google asks turns to alternate);
 * - `temperature`, `maxTokens`, `topP`, `stop` -> `generationConfig.temperature`,
 *   `maxOutputTokens`, `topP`, `stopSequences` (only the ones given; no `generationConfig`
 *   when none is);
 * - `providerOptions` are merged into the body last; a `generationConfig` among them is merged
 *   into ours key by key rather than replacing it.
 *
 * Pure: no SDK, no I/O. Both Gemini SDK backends and the Vertex adapter send this body.
 */
export function mapGeminiRequest(request: GeminiRequestInput): GeminiGenerateContentRequest {
  const systemParts: { text: string }[] = [];
  const contents: GeminiContent[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') {
      systemParts.push({ text: message.content });
      continue;
    }
    const role = message.role === 'assistant' ? 'model' : 'user';
    const previous = contents.at(-1);
    if (previous !== undefined && previous.role === role) {
      previous.parts = [...(previous.parts ?? []), { text: message.content }];
    } else {
      contents.push({ role, parts: [{ text: message.content }] });
    }
  }

  const generationConfig: GeminiGenerationConfig = {};
  if (request.temperature !== undefined) generationConfig.temperature = request.temperature;
  if (request.maxTokens !== undefined) generationConfig.maxOutputTokens = request.maxTokens;
  if (request.topP !== undefined) generationConfig.topP = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) generationConfig.stopSequences = [...request.stop];

  const body: GeminiGenerateContentRequest = { contents };
  if (systemParts.length > 0) body.systemInstruction = { parts: systemParts };
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;

  const { generationConfig: extraGenerationConfig, ...extra } = request.providerOptions ?? {};
  Object.assign(body, extra);
  if (isPlainObject(extraGenerationConfig)) {
    body.generationConfig = { ...body.generationConfig, ...extraGenerationConfig };
  }
  return body;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
