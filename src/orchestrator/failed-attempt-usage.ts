import type { ProviderError } from '../errors/provider-error.js';
import type { ChatMessage } from '../spec/chat-request.js';
import { createUsage, type Usage } from '../spec/usage.js';
import type { CallScope } from './call-scope.js';
import { estimateUsage } from './estimate-usage.js';

/**
 * The usage to bill for a failed attempt: what the provider reported (before failing, or with
 * its error); else, when the attempt was cut off by us (the caller's abort, the deadline, a
 * consumer that left, a stream deadline: `seen.cutOff`) and the provider may already have
 * processed the prompt, an estimate of the prompt and of the text seen; else nothing (an error
 * answer is not billed).
 */
export function failedAttemptUsage(
  error: ProviderError,
  scope: CallScope,
  messages: readonly ChatMessage[],
  seen: { usage?: Usage | undefined; text?: string; cutOff?: boolean } = {},
): { usage: Usage; usageSource: 'provider' | 'estimated' } {
  const reported = seen.usage ?? error.usage;
  if (reported) return { usage: reported, usageSource: 'provider' };
  if (error.kind === 'aborted' || scope.done || seen.cutOff) return { usage: estimateUsage(messages, seen.text ?? ''), usageSource: 'estimated' };
  return { usage: createUsage(), usageSource: 'provider' };
}
