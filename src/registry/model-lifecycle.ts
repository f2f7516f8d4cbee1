import type { LifecycleEntry } from '../config/normalized-config.js';
import shipped from './model-lifecycle.json' with { type: 'json' };

/** The lifecycle data shipped in the package: the date it was read and its entries. */
export const shippedLifecycle: { asOf: string; entries: readonly LifecycleEntry[] } = {
  asOf: shipped.as_of,
  entries: shipped.entries,
};

/** Where a model stands on a given day, from its lifecycle entry. */
export interface LifecycleStatus {
  /** Announced deprecated (on or before today), or past its retirement date. */
  deprecated: boolean;
  /** Past `retiresAt`: the provider no longer serves it. */
  retired: boolean;
  /** Whole days until `retiresAt` (negative once past); undefined without a date. */
  daysToRetirement?: number;
}

const dayMs = 86_400_000;

/** Reads an entry against `now` (dates are whole UTC days: a model retires at 00:00 UTC). */
export function lifecycleStatus(entry: LifecycleEntry, now: Date): LifecycleStatus {
  const today = now.toISOString().slice(0, 10);
  const retired = entry.retiresAt !== undefined && entry.retiresAt <= today;
  // A provider that names a retirement date has announced the deprecation, whether or not
  // its page gives the announcement's date.
  const deprecated = retired || entry.deprecatedAt === undefined || entry.deprecatedAt <= today;
  if (entry.retiresAt === undefined) return { deprecated, retired };
  const daysToRetirement = Math.ceil((Date.parse(`${entry.retiresAt}T00:00:00Z`) - now.getTime()) / dayMs);
  return { deprecated, retired, daysToRetirement };
}

/**
 * The lifecycle entries in force: the shipped ones, overridden by the config's (same provider
 * and model). An entry names a provider type (every entry of that type) or a provider entry
 * name (that entry only, which wins over its type's).
 */
export class ModelLifecycle {
  readonly #byKey = new Map<string, LifecycleEntry>();

  constructor(
    entries: Iterable<LifecycleEntry>,
    private readonly providerType: (provider: string) => string,
  ) {
    for (const entry of entries) this.#byKey.set(key(entry.provider, entry.model), entry);
  }

  /** The entry for a provider entry's model, if any. */
  find(provider: string, model: string): LifecycleEntry | undefined {
    return this.#byKey.get(key(provider, model)) ?? this.#byKey.get(key(this.providerType(provider), model));
  }
}

function key(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}
