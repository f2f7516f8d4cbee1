import type { ChatRequest } from '../spec/chat-request.js';
import type { ProviderRequest } from '../spec/provider-request.js';
import type { Candidate } from './candidate.js';

/** The adapter's view of a call for one candidate; `providerOptions` picked by entry name, then type. */
export function providerRequestFor(request: ChatRequest, candidate: Candidate, providerType: string, signal: AbortSignal): ProviderRequest {
  const providerOptions = request.providerOptions?.[candidate.provider] ?? request.providerOptions?.[providerType];
  return {
    model: candidate.model,
    messages: request.messages,
    signal,
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
    ...(request.topP !== undefined ? { topP: request.topP } : {}),
    ...(request.stop !== undefined ? { stop: request.stop } : {}),
    ...(providerOptions !== undefined ? { providerOptions } : {}),
  };
}
