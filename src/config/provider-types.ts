import type { ProviderType } from './normalized-config.js';

/** Every provider type this package ships an adapter for, in documentation order. */
export const providerTypes = ['openai', 'anthropic', 'gemini', 'bedrock', 'vertex'] as const satisfies readonly ProviderType[];

/** Every `sdk:` value any type accepts; which type accepts which is {@link sdkChoices}. */
export const sdkNames = ['generative-ai', 'genai', 'vertexai'] as const;

/** The `sdk:` values each type accepts; the first is the default. Types absent here take none. */
export const sdkChoices: Partial<Record<ProviderType, readonly (typeof sdkNames)[number][]>> = {
  gemini: ['generative-ai', 'genai'],
  vertex: ['vertexai', 'genai'],
};

/** Provider keys every type accepts. */
const commonFields = ['type', 'fallback_models', 'base_url'] as const;

/** The type-specific keys each provider type accepts, on top of the common ones. */
const typeFields: Record<ProviderType, readonly string[]> = {
  openai: ['api_key'],
  anthropic: ['api_key'],
  gemini: ['api_key', 'sdk'],
  bedrock: ['region', 'control_base_url', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'],
  vertex: ['project_id', 'location', 'credentials_path', 'sdk'],
};

/** Keys a provider entry of the given type must have, on top of `fallback_models`. */
export const requiredTypeFields: Record<ProviderType, readonly string[]> = {
  openai: [],
  anthropic: [],
  gemini: [],
  bedrock: ['region'],
  vertex: ['project_id', 'location'],
};

/** Provider keys whose values are secrets: never echoed, wrapped in `Secret`. */
export const secretProviderFields: ReadonlySet<string> = new Set([
  'api_key',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
]);

/** True when a provider entry of `type` may carry `field`. */
export function isFieldAllowedForType(field: string, type: ProviderType): boolean {
  return (commonFields as readonly string[]).includes(field) || typeFields[type].includes(field);
}

/** The types that accept `field`, for error messages. */
export function typesAcceptingField(field: string): ProviderType[] {
  return providerTypes.filter((type) => isFieldAllowedForType(field, type));
}

/** True for the names of the provider types this package ships. */
export function isProviderType(value: unknown): value is ProviderType {
  return typeof value === 'string' && (providerTypes as readonly string[]).includes(value);
}

/**
 * An entry's type: its `type:` when given, else its key when the key names a type
 * (`providers.openai` is an `openai` entry), else undefined.
 */
export function inferProviderType(name: string, declaredType: unknown): ProviderType | undefined {
  if (declaredType !== undefined) return isProviderType(declaredType) ? declaredType : undefined;
  return isProviderType(name) ? name : undefined;
}
