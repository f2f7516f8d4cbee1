import type { ProviderRequest } from '../../spec/provider-request.js';
import { ANTHROPIC_DEFAULT_MAX_TOKENS } from './anthropic-default-max-tokens.js';

/** A text block of a message. */
export interface AnthropicTextBlock {
  type: 'text';
  text: string;
}

/** One message of the Messages API. */
export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | AnthropicTextBlock[];
}

/** The body this adapter sends to `POST /v1/messages`. */
export interface AnthropicMessagesBody {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  stream: boolean;
  system?: string;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  [key: string]: unknown;
}

/**
 * Maps our request to a Messages API body:
 * - every `system` message goes to `system`, joined with a blank line, in order;
 * - consecutive messages of the same role are merged into one message with one text block
 *   each (the API wants user and assistant to alternate); a lone message keeps a string;
 * - `maxTokens` -> `max_tokens`, {@link ANTHROPIC_DEFAULT_MAX_TOKENS} when not given;
 *   `temperature`, `topP` -> `top_p`, `stop` -> `stop_sequences` when given;
 * - `providerOptions` are merged in (`top_k`, `thinking`, `metadata`...), then `stream` is set.
 *
 * A conversation that starts with an `assistant` message is sent as it is, not rewritten: the
 * API decides (older API versions answer 400, which is kind `invalid_request`). A trailing
 * `assistant` message is Anthropic's prefill and is kept.
 */
export function mapAnthropicRequest(
  request: Pick<ProviderRequest, 'model' | 'messages' | 'temperature' | 'maxTokens' | 'topP' | 'stop' | 'providerOptions'>,
  stream: boolean,
): AnthropicMessagesBody {
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') {
      system.push(message.content);
      continue;
    }
    const previous = messages.at(-1);
    if (previous !== undefined && previous.role === message.role) {
      const blocks = typeof previous.content === 'string' ? [{ type: 'text' as const, text: previous.content }] : previous.content;
      previous.content = [...blocks, { type: 'text', text: message.content }];
    } else {
      messages.push({ role: message.role, content: message.content });
    }
  }

  const body: AnthropicMessagesBody = {
    model: request.model,
    max_tokens: request.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages,
    stream,
  };
  if (system.length > 0) body.system = system.join('\n\n');
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) body.stop_sequences = [...request.stop];
  // Copied only when there are options (a spread copy costs a microsecond a call); spread, not
  // assigned, so a key like `__proto__` stays a plain field.
  return request.providerOptions === undefined ? body : { ...body, ...request.providerOptions, stream };
}
