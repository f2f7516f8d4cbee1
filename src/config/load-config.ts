import { ConfigurationError, type ConfigurationIssue } from '../errors/configuration-error.js';
import type { ConfigInput } from './config-input.js';
import { createConfigSchema } from './config-schema.js';
import { describeZodIssue, toConfigurationIssues } from './format-zod-issues.js';
import type { ConfigWarning, NormalizedConfig } from './normalized-config.js';
import { normalizeConfig } from './normalize-config.js';
import { readConfigFile } from './read-config-file.js';
import { type Environment, resolveEnv } from './resolve-env.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * Where `${VAR}` references read from.
   * @default process.env
   */
  env?: Environment;
  /**
   * Provider entry names served by user-supplied adapters: such an entry may have any `type`,
   * and a missing `api_key` does not make it unavailable.
   * @default []
   */
  customProviders?: readonly string[];
  /**
   * What relative `log_path`, sink paths and `credentials_path` resolve against, for a YAML file
   * and an object alike (not the file's directory: like most tools, paths are relative to where
   * the program runs). The config holds absolute paths.
   * @default process.cwd()
   */
  baseDirectory?: string;
}

/** The outcome of {@link loadConfig}. */
export interface LoadedConfig {
  config: NormalizedConfig;
  /** Problems that do not stop the orchestrator, e.g. a provider whose key is not set. */
  warnings: ConfigWarning[];
}

function withoutDuplicates(issues: ConfigurationIssue[]): ConfigurationIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Loads, validates and normalizes a configuration: a path to a YAML file or an object of the
 * same shape. Resolves `${VAR}` from `options.env`, applies defaults, wraps secrets in
 * `Secret` and decides which providers are available.
 *
 * @throws ConfigurationError listing every problem found, each with its path (e.g.
 * `providers.openai.fallback_models[1]`): an unreadable file, YAML syntax errors (with line and
 * column), invalid keys or values, unset variables, and an active provider that is unavailable
 * with nothing to fall back to. No message contains a secret or any value read.
 */
export function loadConfig(input: string | ConfigInput, options: LoadConfigOptions = {}): LoadedConfig {
  const source = typeof input === 'string' ? { source: input } : undefined;
  const raw = typeof input === 'string' ? readConfigFile(input) : input;
  const resolved = resolveEnv(raw, options.env ?? process.env);
  const customProviders = options.customProviders ?? [];
  const result = createConfigSchema({ customProviders }).safeParse(resolved.value, { error: describeZodIssue });

  // A path whose variable is unset already has its issue; the placeholder left there would only
  // add a second, confusing one.
  const envPaths = new Set(resolved.issues.map((issue) => issue.path));
  const schemaIssues = result.success ? [] : toConfigurationIssues(result.error.issues).filter((issue) => !envPaths.has(issue.path));
  const issues = withoutDuplicates([...resolved.issues, ...schemaIssues].map(({ path, message }) => ({ path, message })));
  if (issues.length > 0 || !result.success) throw new ConfigurationError(issues, source);

  const normalized = normalizeConfig(result.data, {
    credentialGaps: resolved.credentialGaps,
    customProviders,
    baseDirectory: options.baseDirectory ?? process.cwd(),
  });
  if (normalized.issues.length > 0) throw new ConfigurationError(normalized.issues, source);
  return { config: normalized.config, warnings: normalized.warnings };
}
