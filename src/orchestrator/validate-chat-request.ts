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
  const issues: ConfigurationIssue[] = [];
  if (typeof request !== 'object' || request === null) {
    throw new ConfigurationError([{ path: 'request', message: 'expected an object' }], { subject: 'request' });
  }
  const { messages } = request;
  if (!Array.isArray(messages) || messages.length === 0) {
    issues.push({ path: 'request.messages', message: 'expected a non-empty array of messages' });
  } else {
    // Plain loops: this runs for every call.
    for (let index = 0; index < messages.length; index += 1) {
      const message = messages[index];
      if (typeof message !== 'object' || message === null) {
        issues.push({ path: `request.messages[${index}]`, message: 'expected { role, content }' });
        continue;
      }
      if (!roles.has(message.role)) {
        issues.push({ path: `request.messages[${index}].role`, message: `expected 'system', 'user' or 'assistant', received '${String(message.role)}'` });
      }
      if (typeof message.content !== 'string') {
        issues.push({ path: `request.messages[${index}].content`, message: `expected a string, received ${typeof message.content}` });
      }
    }
  }
  for (let index = 0; index < numberFields.length; index += 1) {
    const field = numberFields[index] as NumberField;
    const value = request[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      issues.push({ path: `request.${field}`, message: 'expected a non-negative number' });
    }
  }
  if (request.maxTokens !== undefined && !Number.isInteger(request.maxTokens)) {
    issues.push({ path: 'request.maxTokens', message: 'expected an integer' });
  }
  if (request.stop !== undefined && (!Array.isArray(request.stop) || request.stop.some((s) => typeof s !== 'string'))) {
    issues.push({ path: 'request.stop', message: 'expected an array of strings' });
  }
  if (request.metadata !== undefined) {
    for (const [key, value] of Object.entries(request.metadata)) {
      if (typeof value !== 'string') issues.push({ path: `request.metadata.${key}`, message: 'expected a string' });
    }
  }
  if (issues.length > 0) throw new ConfigurationError(issues, { subject: 'request' });
}
