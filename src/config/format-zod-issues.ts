import type { z } from 'zod';
import type { ConfigurationIssue } from '../errors/configuration-error.js';

/** A path as zod reports it: object keys and array indexes. */
export type IssuePath = readonly PropertyKey[];

/**
 * `['providers', 'openai', 'fallback_models', 1]` -> `providers.openai.fallback_models[1]`.
 * A key that would read ambiguously (a dot, a bracket, a space, empty) is written `["a.b"]`.
 */
export function formatIssuePath(path: IssuePath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[^.[\]\s"']+$/.test(key)) text += text === '' ? key : `.${key}`;
      else text += `[${JSON.stringify(key)}]`;
    }
  }
  return text;
}

function typeOfInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && Number.isNaN(input)) return 'NaN';
  return typeof input === 'object' ? 'object' : typeof input;
}

const expectedNames: Record<string, string> = { int: 'an integer', record: 'object', map: 'object' };

/** The edit distance between two short strings, for "did you mean" hints. */
function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}

function unknownKeyMessage(key: string, knownKeys: string[]): string {
  const close = knownKeys.filter((known) => editDistance(key, known) <= Math.max(1, Math.floor(known.length / 4)));
  return close.length > 0 ? `unknown key (did you mean '${close[0]}'?)` : 'unknown key';
}

const keySeparator = '\u0000';

/**
 * The error map every config parse uses: short, human messages that never contain the value
 * received (a value may be a secret), only its type. Messages set on a schema win over it.
 */
export function describeZodIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'required';
      if (typeof issue.input === 'number' && issue.expected === 'number') return 'expected a finite number';
      const expected = expectedNames[issue.expected] ?? issue.expected;
      return `expected ${expected}, received ${typeOfInput(issue.input)}`;
    }
    case 'too_small': {
      const minimum = String(issue.minimum);
      if (issue.origin === 'array') return `must have at least ${minimum} item${minimum === '1' ? '' : 's'}`;
      if (issue.origin === 'string') return minimum === '1' ? 'must not be empty' : `must have at least ${minimum} characters`;
      return issue.inclusive === false ? `must be > ${minimum}` : `must be >= ${minimum}`;
    }
    case 'too_big':
      return issue.inclusive === false ? `must be < ${String(issue.maximum)}` : `must be <= ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => String(value)).join(', ')}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    case 'invalid_key': {
      const reason = issue.issues[0]?.message;
      return reason ? `invalid key: ${reason}` : 'invalid key';
    }
    case 'unrecognized_keys': {
      const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
      const known = shape ? Object.keys(shape) : [];
      // One message per key; split again by toConfigurationIssues.
      return issue.keys.map((key) => unknownKeyMessage(key, known)).join(keySeparator);
    }
    default:
      return undefined;
  }
}

/** zod's issues as configuration issues: formatted paths, one issue per unknown key. */
export function toConfigurationIssues(issues: readonly z.core.$ZodIssue[]): Array<ConfigurationIssue & { segments: IssuePath }> {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const messages = issue.message.split(keySeparator);
      return issue.keys.map((key, index) => {
        const segments = [...issue.path, key];
        return { segments, path: formatIssuePath(segments), message: messages[index] ?? 'unknown key' };
      });
    }
    return [{ segments: issue.path, path: formatIssuePath(issue.path), message: issue.message }];
  });
}
