import type { ModelInfo } from './model-info.js';

/** What the latest refresh that listed a model read of it in the provider's listing: legacy. */
export interface ListedLegacy {
  /** The listing's reason (`Bedrock lists it as LEGACY`). */
  reason: string;
  /** The provider's legacy date when it gives one, else the ISO time a refresh first saw it legacy. */
  since: string;
  /** The provider's end-of-life date, when the listing gives one. */
  retiresAt?: string;
}

/** A model as the registry stores it: what it learned itself, without the lifecycle data. */
export interface StoredModel extends ModelInfo {
  /** What marked it deprecated: a refresh that no longer listed it, or a `not_found` answer. */
  markedBy?: 'refresh' | 'not_found';
  /**
   * Set while the provider's listing calls the model legacy; removed by a refresh that lists it
   * as active (or says nothing). Kept apart from `deprecated` (the registry's own marks) so
   * each source can be lifted on its own; merged on read.
   */
  listedLegacy?: ListedLegacy;
}

/** The registry's state as the cache file holds it (JSON). */
export interface RegistrySnapshot {
  version: 1;
  /** ISO time of the write. */
  savedAt: string;
  /** Per provider entry name: whether a refresh listed it, and its models. */
  providers: Record<string, { listed: boolean; models: StoredModel[] }>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalStrings = ['deprecatedAt', 'deprecationReason', 'retiresAt', 'replacement', 'lastSeenAt', 'lastValidatedAt'] as const;

function isListedLegacy(value: unknown): value is ListedLegacy {
  if (!isRecord(value) || typeof value.reason !== 'string' || typeof value.since !== 'string') return false;
  return value.retiresAt === undefined || typeof value.retiresAt === 'string';
}

function isStoredModel(value: unknown): value is StoredModel {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.deprecated !== 'boolean') return false;
  if (value.markedBy !== undefined && value.markedBy !== 'refresh' && value.markedBy !== 'not_found') return false;
  if (value.listedLegacy !== undefined && !isListedLegacy(value.listedLegacy)) return false;
  return optionalStrings.every((field) => value[field] === undefined || typeof value[field] === 'string');
}

/**
 * Reads a parsed cache file; throws an Error saying what is wrong when it is not a snapshot
 * this version wrote.
 */
export function parseRegistrySnapshot(value: unknown): RegistrySnapshot {
  if (!isRecord(value) || value.version !== 1 || !isRecord(value.providers)) {
    throw new Error('not a model registry cache (version 1)');
  }
  for (const [provider, entry] of Object.entries(value.providers)) {
    if (!isRecord(entry) || typeof entry.listed !== 'boolean' || !Array.isArray(entry.models) || !entry.models.every(isStoredModel)) {
      throw new Error(`malformed entry for provider '${provider}'`);
    }
  }
  return value as unknown as RegistrySnapshot;
}
