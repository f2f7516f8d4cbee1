import { redactSecrets } from './redact-secrets.js';

const maxDepth = 5;

/**
 * Scrubs secrets, in place, from an SDK error that is kept as a `ProviderError`'s `cause`
 * (`util.inspect` prints the cause with the error): its `message` and `stack`, the strings of
 * the response body it holds (`error.error.message`...) and, the same way, every error of its
 * `cause` chain. `redact` is either the secrets to remove ({@link redactSecrets}) or a function
 * that returns the text without them. Read-only fields are left as they are.
 */
export function redactErrorMessage(error: unknown, redact: readonly (string | undefined)[] | ((text: string) => string)): void {
  const redactText = typeof redact === 'function' ? redact : (text: string) => redactSecrets(text, redact);
  redactObject(error, redactText, 0, new Set());
}

function redactObject(value: unknown, redact: (text: string) => string, depth: number, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || depth > maxDepth || seen.has(value)) return;
  seen.add(value);
  const record = value as Record<string, unknown>;
  // `message`, `stack` and `cause` are not enumerable on errors: named here, the rest found by key.
  const keys = new Set(Object.keys(record));
  if (value instanceof Error) for (const key of ['message', 'stack', 'cause']) keys.add(key);
  for (const key of keys) {
    const field = record[key];
    if (typeof field === 'string') {
      const redacted = redact(field);
      if (redacted !== field) setQuietly(record, key, redacted);
    } else if (field instanceof Error || Array.isArray(field) || isPlainObject(field)) {
      redactObject(field, redact, depth + 1, seen);
    }
  }
}

function setQuietly(record: Record<string, unknown>, key: string, value: string): void {
  try {
    record[key] = value;
  } catch {
    // A read-only field (a DOMException's message): it comes from the runtime, not the server, and holds no key.
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
