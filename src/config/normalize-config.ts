import { resolve } from 'node:path';
import type { ConfigurationIssue } from '../errors/configuration-error.js';
import type { ParsedConfig } from './config-schema.js';
import type { ConfigWarning, NormalizedConfig, NormalizedProviderConfig, ProviderType } from './normalized-config.js';
import { sdkChoices } from './provider-types.js';
import type { CredentialGap } from './resolve-env.js';
import { Secret } from './secret.js';

/** What {@link normalizeConfig} needs besides the parsed config. */
export interface NormalizeOptions {
  /** Credentials whose `${VAR}` resolved to nothing. */
  credentialGaps: readonly CredentialGap[];
  /** Entries served by user-supplied adapters: a missing api_key does not make them unavailable. */
  customProviders: readonly string[];
  /** What relative paths resolve against. */
  baseDirectory: string;
}

type ParsedEntry = ParsedConfig['providers'][string];

const keyedTypes: readonly string[] = ['openai', 'anthropic', 'gemini'];


/** Why an entry cannot be used, or undefined when it can. Names variables, never values. */
function unavailableReason(name: string, type: string, entry: ParsedEntry, options: NormalizeOptions): string | undefined {
  const gaps = options.credentialGaps.filter((gap) => gap.provider === name);
  if (gaps.length > 0) {
    return gaps
      .map((gap) => `environment variable ${gap.variable} (${gap.field}) is ${gap.state === 'unset' ? 'not set' : 'empty'}`)
      .join('; ');
  }
  const needsKey = keyedTypes.includes(type) && !(type === 'openai' && entry.base_url) && !options.customProviders.includes(name);
  if (needsKey && !entry.api_key) return entry.api_key === '' ? 'its api_key is empty' : 'it has no api_key';
  return undefined;
}

function normalizeProvider(name: string, entry: ParsedEntry, options: NormalizeOptions): NormalizedProviderConfig {
  // refineConfig made sure a type is known or the entry is served by a custom adapter (any type).
  const type = (entry.type ?? name) as ProviderType;
  const reason = unavailableReason(name, type, entry, options);
  const gaps = new Set(options.credentialGaps.filter((gap) => gap.provider === name).map((gap) => gap.field));
  // An empty credential counts as absent; one whose variable is missing holds no value at all.
  const secretOf = (field: 'api_key' | 'aws_access_key_id' | 'aws_secret_access_key' | 'aws_session_token') => {
    const value = entry[field];
    return value && !gaps.has(field) ? new Secret(value) : undefined;
  };
  const provider: NormalizedProviderConfig = { name, type, available: reason === undefined, fallbackModels: [...entry.fallback_models] };
  if (reason !== undefined) provider.unavailableReason = reason;
  const apiKey = secretOf('api_key');
  if (apiKey) provider.apiKey = apiKey;
  if (entry.base_url) provider.baseUrl = entry.base_url;
  const sdk = entry.sdk ?? sdkChoices[type]?.[0];
  if (sdk) provider.sdk = sdk;
  if (entry.region) provider.region = entry.region;
  if (entry.control_base_url) provider.controlBaseUrl = entry.control_base_url;
  const awsAccessKeyId = secretOf('aws_access_key_id');
  if (awsAccessKeyId) provider.awsAccessKeyId = awsAccessKeyId;
  const awsSecretAccessKey = secretOf('aws_secret_access_key');
  if (awsSecretAccessKey) provider.awsSecretAccessKey = awsSecretAccessKey;
  const awsSessionToken = secretOf('aws_session_token');
  if (awsSessionToken) provider.awsSessionToken = awsSessionToken;
  if (entry.project_id) provider.projectId = entry.project_id;
  if (entry.location) provider.location = entry.location;
  if (entry.credentials_path) provider.credentialsPath = resolve(options.baseDirectory, entry.credentials_path);
  return provider;
}

/**
 * Turns a parsed config into the {@link NormalizedConfig} the orchestrator reads: camelCase,
 * defaults applied, secrets wrapped in `Secret`, relative paths made absolute, each provider's
 * availability decided. Returns issues when the active provider cannot be used and nothing
 * else can stand in for it.
 */
export function normalizeConfig(
  parsed: ParsedConfig,
  options: NormalizeOptions,
): { config: NormalizedConfig; warnings: ConfigWarning[]; issues: ConfigurationIssue[] } {
  const providers: Record<string, NormalizedProviderConfig> = {};
  const warnings: ConfigWarning[] = [];
  for (const [name, entry] of Object.entries(parsed.providers)) {
    const provider = normalizeProvider(name, entry, options);
    providers[name] = provider;
    if (!provider.available) {
      warnings.push({
        code: 'provider_unavailable',
        message: `Provider '${name}' is unavailable: ${provider.unavailableReason ?? 'no credentials'}; it is skipped`,
        provider: name,
      });
    }
  }
  const names = Object.keys(providers);
  const providerOrder = [...parsed.provider_order, ...names.filter((name) => !parsed.provider_order.includes(name))];
  const active = providers[parsed.active_provider];
  const issues: ConfigurationIssue[] = [];
  if (active && !active.available) {
    const others = names.filter((name) => name !== active.name && providers[name]?.available);
    if (!parsed.cross_provider_fallback || others.length === 0) {
      const why = parsed.cross_provider_fallback ? 'and no other provider is available' : 'and cross_provider_fallback is off';
      issues.push({ path: 'active_provider', message: `the active provider '${active.name}' is unavailable (${active.unavailableReason ?? 'no credentials'}) ${why}` });
    }
  }
  const { retry, timeouts, circuit_breaker: circuitBreaker, cost_tracking: costTracking } = parsed;
  const config: NormalizedConfig = {
    activeProvider: parsed.active_provider,
    activeModel: parsed.active_model ?? active?.fallbackModels[0] ?? '',
    crossProviderFallback: parsed.cross_provider_fallback,
    providerOrder,
    providers,
    retry: {
      maxAttempts: retry.max_attempts,
      initialDelayMs: retry.initial_delay_ms,
      maxDelayMs: retry.max_delay_ms,
      maxRetryAfterMs: retry.max_retry_after_ms,
      maxTotalAttempts: retry.max_total_attempts,
    },
    timeouts: {
      ...(timeouts.first_chunk_timeout_ms ? { firstChunkTimeoutMs: timeouts.first_chunk_timeout_ms } : {}),
      ...(timeouts.idle_timeout_ms ? { idleTimeoutMs: timeouts.idle_timeout_ms } : {}),
    },
    circuitBreaker: {
      enabled: circuitBreaker.enabled,
      failureThreshold: circuitBreaker.failure_threshold,
      cooldownMs: circuitBreaker.cooldown_ms,
    },
    costTracking: {
      enabled: costTracking.enabled,
      ...(costTracking.log_path ? { logPath: resolve(options.baseDirectory, costTracking.log_path) } : {}),
      sinks: costTracking.sinks.map((sink) => ({ type: sink.type, path: resolve(options.baseDirectory, sink.path) })),
      pricing: costTracking.pricing,
      ...(costTracking.max_records_in_memory !== undefined ? { maxRecordsInMemory: costTracking.max_records_in_memory } : {}),
      ledgerIndex: costTracking.ledger_index,
    },
  };
  if (parsed.models) {
    const { lifecycle, on_retired: onRetired, cache_path: cachePath } = parsed.models;
    config.models = {
      lifecycle: lifecycle.map((entry) => ({
        provider: entry.provider,
        model: entry.model,
        ...(entry.deprecated_at ? { deprecatedAt: entry.deprecated_at } : {}),
        ...(entry.retires_at ? { retiresAt: entry.retires_at } : {}),
        ...(entry.replacement ? { replacement: entry.replacement } : {}),
        ...(entry.source ? { source: entry.source } : {}),
      })),
      onRetired,
      ...(cachePath ? { cachePath: resolve(options.baseDirectory, cachePath) } : {}),
    };
  }
  return { config, warnings, issues };
}
