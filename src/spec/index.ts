export type { BaseLLMProvider } from './base-llm-provider.js';
export type { ChatMessage, ChatRequest } from './chat-request.js';
export type { Attempt, AttemptStatus, ChatResponse, ChatStream, StreamChunk } from './chat-response.js';
export type { FinishReason } from './finish-reason.js';
export type { ProviderModelListing } from './provider-model-listing.js';
export type { ProviderRequest } from './provider-request.js';
export type { ProviderResult } from './provider-result.js';
export type { ProviderStreamEvent } from './provider-stream-event.js';
export { createUsage, type Usage } from './usage.js';
