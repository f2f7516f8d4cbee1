import type { ChatMessage } from '../spec/chat-request.js';
import { createUsage, type Usage } from '../spec/usage.js';

/** Characters per token of the estimate: the usual rule of thumb for English text and code. */
const charactersPerToken = 4;

/**
 * An estimate of an attempt's usage when the provider reported none (a stream cut before its
 * usage event): the prompt's characters and the text seen, at 4 characters a token, rounded up.
 */
export function estimateUsage(messages: readonly ChatMessage[], outputText: string): Usage {
  let promptCharacters = 0;
  for (const message of messages) promptCharacters += message.content.length;
  return createUsage({
    inputTokens: Math.ceil(promptCharacters / charactersPerToken),
    outputTokens: Math.ceil(outputText.length / charactersPerToken),
  });
}
