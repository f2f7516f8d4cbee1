import type { ConverseStreamRequest, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { ProviderRequest } from '../../spec/provider-request.js';

/**
 * Maps a request to a Converse (and ConverseStream: same shape) request body. System messages
 * become `system` blocks; consecutive messages of one role are merged into one message with
 * several text blocks, because Converse wants user and assistant turns to alternate.
 * `providerOptions` go to `additionalModelRequestFields` (model-specific fields such as `top_k`).
 */
export function mapBedrockRequest(request: ProviderRequest): ConverseStreamRequest {
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') {
      system.push({ text: message.content });
      continue;
    }
    const previous = messages.at(-1);
    if (previous?.role === message.role) {
      previous.content?.push({ text: message.content });
    } else {
      messages.push({ role: message.role, content: [{ text: message.content }] });
    }
  }

  const inferenceConfig: NonNullable<ConverseStreamRequest['inferenceConfig']> = {};
  if (request.maxTokens !== undefined) inferenceConfig.maxTokens = request.maxTokens;
  if (request.temperature !== undefined) inferenceConfig.temperature = request.temperature;
  if (request.topP !== undefined) inferenceConfig.topP = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) inferenceConfig.stopSequences = request.stop;

  const body: ConverseStreamRequest = { modelId: request.model, messages };
  if (system.length > 0) body.system = system;
  if (Object.keys(inferenceConfig).length > 0) body.inferenceConfig = inferenceConfig;
  if (request.providerOptions !== undefined && Object.keys(request.providerOptions).length > 0) {
    body.additionalModelRequestFields = request.providerOptions as ConverseStreamRequest['additionalModelRequestFields'];
  }
  return body;
}
