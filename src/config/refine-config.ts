import type { z } from 'zod';
import type { ProviderType } from './normalized-config.js';
import {
  inferProviderType,
  isFieldAllowedForType,
  isProviderType,
  providerTypes,
  requiredTypeFields,
  sdkChoices,
  sdkNames,
  typesAcceptingField,
} from './provider-types.js';

type Context = z.RefinementCtx<unknown>;
type Path = (string | number)[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function report(context: Context, path: Path, message: string): void {
  context.addIssue({ code: 'custom', path, message, input: undefined });
}

const credentialHints: Partial<Record<ProviderType, string>> = {
  bedrock: 'bedrock uses the AWS credential chain, or aws_access_key_id and aws_secret_access_key',
  vertex: 'vertex uses Application Default Credentials, or credentials_path',
};

function notAllowedMessage(field: string, type: ProviderType): string {
  const hint =
    field === 'api_key' ? credentialHints[type] : `only for provider type ${typesAcceptingField(field).join(' or ')}`;
  return `not allowed for provider type ${type}${hint ? ` (${hint})` : ''}`;
}

function checkProviderEntry(context: Context, name: string, entry: Record<string, unknown>, custom: boolean): void {
  const path: Path = ['providers', name];
  const types = providerTypes.join(', ');
  if (typeof entry.type === 'string' && entry.type !== '' && !isProviderType(entry.type) && !custom) {
    report(context, [...path, 'type'], `unknown provider type: expected one of ${types} (or supply an adapter for '${name}' in the options' providers)`);
    return;
  }
  if (entry.type === undefined && !isProviderType(name) && !custom) {
    report(context, [...path, 'type'], `required: '${name}' is not a provider type, so say which type it is (one of ${types})`);
    return;
  }
  const type = inferProviderType(name, entry.type);
  if (!type) return; // a custom type (anything goes) or a bad `type:` value the schema reported
  for (const field of Object.keys(entry)) {
    if (!isFieldAllowedForType(field, type) && typesAcceptingField(field).length > 0) {
      report(context, [...path, field], notAllowedMessage(field, type));
    }
  }
  for (const field of requiredTypeFields[type]) {
    if (entry[field] === undefined) report(context, [...path, field], `required for provider type ${type}`);
  }
  const choices = sdkChoices[type];
  const sdk = entry.sdk;
  // An sdk no type knows is reported by the schema; here, a known one on the wrong type.
  if (choices && typeof sdk === 'string' && (sdkNames as readonly string[]).includes(sdk) && !(choices as readonly string[]).includes(sdk)) {
    report(context, [...path, 'sdk'], `must be one of ${choices.join(', ')} for provider type ${type}`);
  }
  if (type === 'bedrock') checkAwsCredentials(context, path, entry);
  if (type === 'vertex' && typeof entry.base_url === 'string' && URL.canParse(entry.base_url)) {
    const url = new URL(entry.base_url);
    if (url.pathname !== '/' || url.search || url.hash) {
      report(context, [...path, 'base_url'], 'must be http(s)://host[:port] without a path for provider type vertex');
    }
  }
}

function checkAwsCredentials(context: Context, path: Path, entry: Record<string, unknown>): void {
  // '' counts as absent: `${VAR:-}` may leave an optional credential empty on purpose.
  const has = (field: string) => entry[field] !== undefined && entry[field] !== '';
  const hasId = has('aws_access_key_id');
  const hasSecret = has('aws_secret_access_key');
  if (hasId && !hasSecret) report(context, [...path, 'aws_secret_access_key'], 'required when aws_access_key_id is given');
  if (hasSecret && !hasId) report(context, [...path, 'aws_access_key_id'], 'required when aws_secret_access_key is given');
  if (has('aws_session_token') && !hasId && !hasSecret) {
    report(context, [...path, 'aws_session_token'], 'needs aws_access_key_id and aws_secret_access_key');
  }
}

function checkReferences(context: Context, config: Record<string, unknown>, names: string[]): void {
  const list = names.join(', ');
  const active = config.active_provider;
  if (typeof active === 'string' && active !== '' && !names.includes(active)) {
    report(context, ['active_provider'], `'${active}' is not a provider entry (entries: ${list})`);
  }
  if (Array.isArray(config.provider_order)) {
    const seen = new Set<string>();
    config.provider_order.forEach((name: unknown, index) => {
      if (typeof name !== 'string' || name === '') return;
      if (seen.has(name)) {
        if (names.includes(name)) report(context, ['provider_order', index], `'${name}' is listed more than once`);
      } else if (!names.includes(name)) report(context, ['provider_order', index], `'${name}' is not a provider entry (entries: ${list})`);
      seen.add(name);
    });
  }
  const costTracking = config.cost_tracking;
  if (isRecord(costTracking) && isRecord(costTracking.pricing)) {
    for (const key of Object.keys(costTracking.pricing)) {
      if (!names.includes(key) && !isProviderType(key)) {
        report(context, ['cost_tracking', 'pricing', key], `'${key}' is neither a provider entry (${list}) nor a provider type`);
      }
    }
  }
  const models = config.models;
  if (isRecord(models) && Array.isArray(models.lifecycle)) {
    models.lifecycle.forEach((entry: unknown, index) => {
      if (!isRecord(entry) || typeof entry.provider !== 'string' || entry.provider === '') return;
      if (!names.includes(entry.provider) && !isProviderType(entry.provider)) {
        report(context, ['models', 'lifecycle', index, 'provider'], `'${entry.provider}' is neither a provider entry (${list}) nor a provider type`);
      }
    });
  }
}

/**
 * The rules one key cannot check alone: each entry's type and the keys it allows or needs,
 * names that must refer to provider entries, and retry delays in order. Reads the value
 * defensively: it also runs when other keys are already invalid, so every problem is listed.
 */
function refineConfig(value: unknown, context: Context, customProviders: readonly string[]): void {
  if (!isRecord(value)) return;
  if (isRecord(value.providers)) {
    for (const [name, entry] of Object.entries(value.providers)) {
      if (isRecord(entry)) checkProviderEntry(context, name, entry, customProviders.includes(name));
    }
    checkReferences(context, value, Object.keys(value.providers));
  }
  const retry = value.retry;
  if (isRecord(retry) && typeof retry.initial_delay_ms === 'number' && typeof retry.max_delay_ms === 'number') {
    if (retry.max_delay_ms < retry.initial_delay_ms) {
      report(context, ['retry', 'max_delay_ms'], 'must be at least initial_delay_ms');
    }
  }
}

/**
 * Builds the refinement for {@link refineConfig}'s rules; entries named in `customProviders`
 * are served by user-supplied adapters and may have any type.
 */
export function createConfigRefinement(customProviders: readonly string[]): (value: unknown, context: Context) => void {
  return (value, context) => refineConfig(value, context, customProviders);
}
