export { loadConfig, type LoadConfigOptions, type LoadedConfig } from './load-config.js';
export { configSchema, createConfigSchema, type ConfigSchemaOptions } from './config-schema.js';
export { Secret } from './secret.js';
export type {
  ConfigInput,
  CostSinkInput,
  CostTrackingInput,
  LifecycleEntryInput,
  ModelPriceInput,
  ModelsInput,
  ProviderEntryInput,
  RetryInput,
} from './config-input.js';
export type {
  ConfigWarning,
  LifecycleEntry,
  ModelPriceOverride,
  NormalizedConfig,
  NormalizedModelsConfig,
  OnRetired,
  NormalizedProviderConfig,
  PricingOverrides,
  ProviderType,
} from './normalized-config.js';
