import type { z } from 'zod';
import { lazyRequire } from '../internal/lazy-require.js';
import type { ConfigInput } from './config-input.js';
import { providerTypes, sdkNames } from './provider-types.js';
import type { ProviderType } from './normalized-config.js';
import { createConfigRefinement } from './refine-config.js';

export type { ConfigInput } from './config-input.js';

/** zod costs tens of milliseconds to load: only a config load pays for it, not the import. */
const loadZod = lazyRequire<typeof import('zod')>('zod');

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}

function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** Every part of the config schema but the root, built once by {@link configSchemaParts}. */
function buildSchemaParts(z: typeof import('zod').z) {
  const nonEmptyString = z.string().min(1, 'must not be empty');
  const httpUrl = z.string().refine(isHttpUrl, 'must be an http(s) URL');
  const nonNegativeInteger = z.number().int().min(0);
  const price = z.number().min(0, 'must be a non-negative number (USD per 1M tokens)');

  /** One entry under `providers`; the per-type rules live in {@link createConfigRefinement}. */
  const providerEntrySchema = z
    .object({
      // Any name here; refineConfig allows only the shipped types unless an adapter is supplied.
      type: z
        .custom<ProviderType | (string & {})>(
          (value) => typeof value === 'string' && value !== '',
          `must be a provider type: one of ${providerTypes.join(', ')}`,
        )
        .optional(),
      // Secrets: plain strings, possibly empty (an empty key makes the provider unavailable).
      api_key: z.string().optional(),
      fallback_models: z.array(z.string().min(1, 'must not be an empty model id')).min(1, 'must have at least 1 model'),
      base_url: httpUrl.optional(),
      sdk: z.enum(sdkNames).optional(),
      region: nonEmptyString.optional(),
      control_base_url: httpUrl.optional(),
      aws_access_key_id: z.string().optional(),
      aws_secret_access_key: z.string().optional(),
      aws_session_token: z.string().optional(),
      project_id: nonEmptyString.optional(),
      location: nonEmptyString.optional(),
      credentials_path: nonEmptyString.optional(),
    })
    .strict();

  /** `retry`. */
  const retrySchema = z
    .object({
      max_attempts: z.number().int().min(1).default(2),
      initial_delay_ms: nonNegativeInteger.default(500),
      max_delay_ms: nonNegativeInteger.default(8000),
      max_retry_after_ms: nonNegativeInteger.default(30_000),
      max_total_attempts: z.number().int().min(1).default(6),
    })
    .strict();

  /** `timeouts`: stream deadlines per attempt (0 or absent: no limit). */
  const timeoutsSchema = z
    .object({
      first_chunk_timeout_ms: nonNegativeInteger.optional(),
      idle_timeout_ms: nonNegativeInteger.optional(),
    })
    .strict();

  /** `circuit_breaker`: cool-downs per (provider, model). */
  const circuitBreakerSchema = z
    .object({
      enabled: z.boolean().default(true),
      failure_threshold: z.number().int().min(1).default(5),
      cooldown_ms: nonNegativeInteger.default(30_000),
    })
    .strict();

  /** One price override, per 1M tokens. */
  const modelPriceSchema = z
    .object({ input: price, output: price, cache_read: price.optional(), cache_write: price.optional() })
    .strict();

  /** `cost_tracking`. */
  const costTrackingSchema = z
    .object({
      enabled: z.boolean().default(true),
      log_path: nonEmptyString.optional(),
      sinks: z.array(z.object({ type: z.enum(['csv', 'jsonl']), path: nonEmptyString }).strict()).default([]),
      pricing: z.record(z.string(), z.record(z.string(), modelPriceSchema)).default({}),
      max_records_in_memory: z.number().int().min(1).optional(),
      ledger_index: z.boolean().default(true),
    })
    .strict();

  const isoDate = z.string().refine(isIsoDate, 'must be a date written YYYY-MM-DD');

  /** One entry of `models.lifecycle`: a provider's announced deprecation or retirement. */
  const lifecycleEntrySchema = z
    .object({
      provider: nonEmptyString,
      model: nonEmptyString,
      deprecated_at: isoDate.optional(),
      retires_at: isoDate.optional(),
      replacement: nonEmptyString.optional(),
      source: nonEmptyString.optional(),
    })
    .strict();

  /** `models`: lifecycle data, what to do with retired models, and the registry's cache file. */
  const modelsSchema = z
    .object({
      lifecycle: z.array(lifecycleEntrySchema).default([]),
      on_retired: z.enum(['skip', 'warn', 'error']).default('skip'),
      cache_path: nonEmptyString.optional(),
    })
    .strict();

  return {
    nonEmptyString,
    providerEntrySchema,
    retrySchema,
    timeoutsSchema,
    circuitBreakerSchema,
    modelPriceSchema,
    costTrackingSchema,
    lifecycleEntrySchema,
    modelsSchema,
  };
}

/** The schemas of each config section (`providers.*`, `retry`, `models`, ...). */
export type ConfigSchemaParts = ReturnType<typeof buildSchemaParts>;

let schemaParts: ConfigSchemaParts | undefined;

/** The schemas of each config section, built (and zod loaded) on the first call. */
export function configSchemaParts(): ConfigSchemaParts {
  schemaParts ??= buildSchemaParts(loadZod().z);
  return schemaParts;
}

/** What {@link createConfigSchema} needs to know beyond the config itself. */
export interface ConfigSchemaOptions {
  /**
   * Provider entry names served by user-supplied adapters: such an entry may have a type this
   * package does not ship.
   * @default []
   */
  customProviders?: readonly string[];
}

function buildConfigSchema(z: typeof import('zod').z, parts: ConfigSchemaParts, customProviders: readonly string[]) {
  const { nonEmptyString, providerEntrySchema, retrySchema, timeoutsSchema, circuitBreakerSchema, costTrackingSchema, modelsSchema } = parts;
  return z
    .object({
      active_provider: nonEmptyString,
      active_model: nonEmptyString.optional(),
      cross_provider_fallback: z.boolean().default(false),
      provider_order: z.array(nonEmptyString).default([]),
      providers: z
        .record(z.string().min(1, 'a provider name must not be empty'), providerEntrySchema)
        .refine((providers) => Object.keys(providers).length > 0, 'must have at least 1 provider'),
      retry: retrySchema.prefault({}),
      timeouts: timeoutsSchema.prefault({}),
      circuit_breaker: circuitBreakerSchema.prefault({}),
      cost_tracking: costTrackingSchema.prefault({}),
      // Optional (no prefault): a config without `models` normalizes exactly as before.
      models: modelsSchema.optional(),
    })
    .strict()
    // Runs even after other issues (`when`), so one parse lists every problem.
    .superRefine(createConfigRefinement(customProviders), {
      when: (payload) => typeof payload.value === 'object' && payload.value !== null,
    });
}

/** The schema of a whole configuration (see {@link createConfigSchema}). */
export type ConfigSchema = ReturnType<typeof buildConfigSchema>;

let defaultConfigSchema: ConfigSchema | undefined;

/**
 * The whole configuration: the single source of truth for what a config file or object may
 * hold. Cross-field rules (types per entry, references between keys) are checked by
 * {@link createConfigRefinement} in the same parse, so one parse reports every problem.
 * `${VAR}` references must be resolved before parsing. zod is loaded and the schema built on
 * the first call; without `customProviders` every call returns that same (immutable) schema.
 */
export function createConfigSchema(options: ConfigSchemaOptions = {}): ConfigSchema {
  const customProviders = options.customProviders ?? [];
  if (customProviders.length > 0) return buildConfigSchema(loadZod().z, configSchemaParts(), customProviders);
  defaultConfigSchema ??= buildConfigSchema(loadZod().z, configSchemaParts(), []);
  return defaultConfigSchema;
}

/** The parsed config: defaults applied, keys still as in the file. */
export type ParsedConfig = z.output<ConfigSchema>;

// ConfigInput is written out by hand so its TSDoc reaches the published .d.ts (zod's inferred
// types lose comments there); these lines fail to compile when it drifts from the schema.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const inputMatchesSchema: Same<ConfigInput, z.input<ConfigSchema>> = true;
void inputMatchesSchema;
