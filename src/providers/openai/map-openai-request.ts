import type { ProviderRequest } from '../../spec/provider-request.js';

/** The Chat Completions request body this adapter sends (without the stream fields). */
export interface OpenAIChatBody {
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  stop?: string[];
  [field: string]: unknown;
}

const protectedFields = new Set(['model', 'messages', 'stream', 'stream_options']);

/**
 * Builds the Chat Completions body for one attempt. `providerOptions` are merged last, so they
 * can override the sampling fields (not `model`, `messages` or the stream fields). When they set
 * `max_completion_tokens` (required by reasoning models), `max_tokens` is not sent.
 */
export function mapOpenAIRequest(request: ProviderRequest): OpenAIChatBody {
  const body: OpenAIChatBody = {
    model: request.model,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
  };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  const extra = request.providerOptions;
  if (extra === undefined || extra === null) return body;
  if ('max_completion_tokens' in extra) delete body.max_tokens;
  for (const [field, value] of Object.entries(extra)) {
    // Defined, not assigned: a `__proto__` key stays a plain field of the body.
    if (!protectedFields.has(field)) Object.defineProperty(body, field, { value, enumerable: true, writable: true, configurable: true });
  }
  return body;
}
