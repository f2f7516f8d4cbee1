import { formatIssuePath, type IssuePath } from './format-zod-issues.js';
import { secretProviderFields } from './provider-types.js';

/** The variables `${VAR}` reads. */
export type Environment = Record<string, string | undefined>;

/** A credential whose `${VAR}` resolved to nothing: its provider becomes unavailable. */
export interface CredentialGap {
  /** The provider entry name. */
  provider: string;
  /** The key, e.g. `api_key`. */
  field: string;
  /** The variable's name (never its value). */
  variable: string;
  state: 'unset' | 'empty';
}

/** The outcome of {@link resolveEnv}. */
export interface EnvResolution {
  /** A copy of the input with every reference replaced. */
  value: unknown;
  /** Unset variables outside credentials, malformed references. */
  issues: Array<{ segments: IssuePath; path: string; message: string }>;
  credentialGaps: CredentialGap[];
}

type VariableHandler = (name: string, state: 'unset' | 'empty') => void;

const reference = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([^]*))?$/;

/**
 * Replaces the references in one string; `onMissing` hears of each variable that is unset
 * (or, for `empty`, set to ''). Returns undefined for a malformed reference.
 */
function substitute(text: string, env: Environment, onMissing: VariableHandler): string | undefined {
  let result = '';
  let index = 0;
  while (index < text.length) {
    if (text.startsWith('$${', index)) {
      result += '${';
      index += 3;
    } else if (text.startsWith('${', index)) {
      const end = text.indexOf('}', index + 2);
      const match = end < 0 ? null : reference.exec(text.slice(index + 2, end));
      if (!match?.[1]) return undefined;
      const [, name, fallback] = match;
      const value = env[name];
      // A `:-` default, even an empty one, is the user's choice, never a gap.
      if ((value === undefined || value === '') && fallback !== undefined) result += fallback;
      else if (value === undefined) onMissing(name, 'unset');
      else {
        if (value === '') onMissing(name, 'empty');
        result += value;
      }
      index = end + 1;
    } else {
      result += text[index];
      index += 1;
    }
  }
  return result;
}

function credentialField(path: IssuePath): { provider: string; field: string } | undefined {
  const [root, provider, field] = path;
  if (path.length !== 3 || root !== 'providers' || typeof provider !== 'string' || typeof field !== 'string') return undefined;
  return secretProviderFields.has(field) ? { provider, field } : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Resolves `${VAR}` and `${VAR:-default}` (used when VAR is unset or empty) in every string
 * value of a config, keys excepted; `$${` writes a literal `${`. In a credential (`api_key`,
 * `aws_*` of a provider) an unset or empty variable without a default is a
 * {@link CredentialGap} and the value keeps its reference text; elsewhere an unset variable without a default
 * is an issue. Never reports a value, only names.
 */
export function resolveEnv(input: unknown, env: Environment): EnvResolution {
  const issues: EnvResolution['issues'] = [];
  const credentialGaps: CredentialGap[] = [];

  const visit = (value: unknown, path: IssuePath): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value;
      const credential = credentialField(path);
      const gapsBefore = credentialGaps.length;
      const resolved = substitute(value, env, (variable, state) => {
        if (credential) credentialGaps.push({ ...credential, variable, state });
        else if (state === 'unset') {
          issues.push({ segments: path, path: formatIssuePath(path), message: `environment variable ${variable} is not set` });
        }
      });
      if (resolved === undefined) {
        issues.push({
          segments: path,
          path: formatIssuePath(path),
          message: 'malformed variable reference: write ${NAME} or ${NAME:-default} (and $${ for a literal ${)',
        });
        return value;
      }
      // A gap keeps its reference text: the key still counts as given (aws_* go in pairs) and
      // normalizeConfig, told of the gap, makes no Secret of it.
      return credentialGaps.length > gapsBefore ? value : resolved;
    }
    if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index]));
    if (isPlainObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key])]));
    }
    return value;
  };

  return { value: visit(input, []), issues, credentialGaps };
}
