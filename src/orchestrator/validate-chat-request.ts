import { ConfigurationError, type ConfigurationIssue } from '../errors/configuration-error.js';
import type { ChatRequest } from '../spec/chat-request.js';

const roles = new Set(['system', 'user', 'assistant']);
const numberFields = ['temperature', 'topP', 'maxTokens', 'timeoutMs', 'firstChunkTimeoutMs', 'idleTimeoutMs'] as const;
type NumberField = (typeof numberFields)[number];

/**
 * Checks a request's shape before anything is sent, so a bad call gets a clear error naming
 * the field instead of a provider's 400.
 *
 * @throws ConfigurationError (subject `request`) listing every problem with its path.
 */
export function validateChatRequest(request: ChatRequest): void {
  // Made on the first problem: a valid request (nearly every call) allocates nothing.
  let issues: ConfigurationIssue[] | undefined;
  if (typeof request !== 'object' || request === null) {
    throw new ConfigurationError([{ path: 'request', message: 'expected an object' }], { subject: 'request' });
  }
  const { messages } = request;
  if (!Array.isArray(messages) || messages.length === 0) {
    issues = withIssue(issues, 'request.messages', 'expected a non-empty array of messages');
  } else {
    // Plain loops: this runs for every call.
    for (let index = 0; index < messages.length; index += 1) {
      const message = messages[index];
      if (typeof message !== 'object' || message === null) {
        issues = withIssue(issues, `request.messages[${index}]`, 'expected { role, content }');
        continue;
      }
      if (!roles.has(message.role)) {
        issues = withIssue(issues, `request.messages[${index}].role`, `expected 'system', 'user' or 'assistant', received '${String(message.role)}'`);
      }
      if (typeof message.content !== 'string') {
        issues = withIssue(issues, `request.messages[${index}].content`, `expected a string, received ${typeof message.content}`);
      }
    }
  }
  for (let index = 0; index < numberFields.length; index += 1) {
    const field = numberFields[index] as NumberField;
    const value = request[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      issues = withIssue(issues, `request.${field}`, 'expected a non-negative number');
    }
  }
  if (request.maxTokens !== undefined && !Number.isInteger(request.maxTokens)) {
    issues = withIssue(issues, 'request.maxTokens', 'expected an integer');
  }
  if (request.stop !== undefined && (!Array.isArray(request.stop) || request.stop.some((s) => typeof s !== 'string'))) {
    issues = withIssue(issues, 'request.stop', 'expected an array of strings');
  }
  if (request.metadata !== undefined) {
    for (const [key, value] of Object.entries(request.metadata)) {
      if (typeof value !== 'string') issues = withIssue(issues, `request.metadata.${key}`, 'expected a string');
    }
  }
  if (issues !== undefined) throw new ConfigurationError(issues, { subject: 'request' });
}

/** `issues` (a new list when undefined) with one more. */
function withIssue(issues: ConfigurationIssue[] | undefined, path: string, message: string): ConfigurationIssue[] {
  const list = issues ?? [];
  list.push({ path, message });
  return list;
}
