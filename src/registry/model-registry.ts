import type { LifecycleEntry } from '../config/normalized-config.js';
import type { ProviderModelListing } from '../spec/provider-model-listing.js';
import { lifecycleStatus } from './model-lifecycle.js';
import type { ModelInfo } from './model-info.js';
import { readListedLifecycle } from './read-listed-lifecycle.js';
import type { RegistrySnapshot, StoredModel } from './registry-snapshot.js';

/** How long a `not_found` answer keeps a model out of the chain: one hour. */
export const NOT_FOUND_MARK_TTL_MS = 3_600_000;

/** A stored model as the cache file keeps it: `not_found` marks are runtime-only. */
function withoutNotFoundMark(model: StoredModel): StoredModel {
  const copy = { ...model };
  if (copy.markedBy === 'not_found') {
    copy.deprecated = false;
    delete copy.deprecatedAt;
    delete copy.deprecationReason;
    delete copy.markedBy;
  }
  return copy;
}

/** The outcome of refreshing one provider's model list. */
export interface RefreshResult {
  provider: string;
  ok: boolean;
  /** Ids listed for the first time. */
  added: string[];
  /** Ids seen before and missing now, marked deprecated. */
  deprecated: string[];
  /**
   * Ids the provider's listing calls legacy and did not before (still listed and served, so
   * not in `deprecated`): shown as deprecated from now on.
   */
  legacy: string[];
  error?: unknown;
}

/** Where the registry gets model lists and lifecycle data from. */
export interface ModelRegistryOptions {
  /** The provider entry names a refresh without argument covers. */
  providers: () => string[];
  /**
   * The models a provider serves now: plain ids, or listings that also say what the provider's
   * list says of their lifecycle (see `listProviderModels`, which uses the adapter's optional
   * `listModelDetails()`).
   */
  listModels: (provider: string) => Promise<ReadonlyArray<string | ProviderModelListing>>;
  /**
   * The announced lifecycle of a provider entry's model.
   * @default () => undefined
   */
  lifecycle?: (provider: string, model: string) => LifecycleEntry | undefined;
  /**
   * Called after every change worth keeping (refresh, marks), e.g. to persist the registry.
   * @default none
   */
  onChange?: () => void;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * Discovered models per provider. A model that a refresh no longer lists is marked
 * deprecated, never removed. Reads (`list`, `get`, `isDeprecated`) are synchronous over the
 * cache and merge the lifecycle data (`deprecatedAt`, `retiresAt`, `replacement`); `refresh`
 * is the only call that reaches the providers, and only when asked.
 *
 * A model is deprecated when any of three sources says so; each is kept apart and lifted on
 * its own, and a read merges them in this order:
 * 1. The registry's own marks: a refresh that no longer lists the model (lifted when a refresh
 *    lists it again) or a `not_found` answer (lifted when it answers, or after
 *    {@link NOT_FOUND_MARK_TTL_MS}). Their reason and time win.
 * 2. The provider's listing (Bedrock's `modelLifecycle`): a model listed as legacy is still
 *    served but shown as deprecated with the listing's reason, legacy date and end-of-life
 *    date. The latest successful refresh decides: a refresh that lists it as active again (or
 *    says nothing) lifts this source, and only this one.
 * 3. The lifecycle data (shipped or `models.lifecycle`): an announced deprecation or
 *    retirement holds whatever the listing says; its `deprecatedAt`, `retiresAt` and
 *    `replacement` take the place of the listing's dates.
 * Only the lifecycle data makes the fallback chain skip a retired model (`models.on_retired`):
 * a listing's end-of-life date is shown and warned about, not acted on, since Bedrock's
 * end-of-life can differ by how a model is used (on demand or provisioned).
 */
export class ModelRegistry {
  readonly #models = new Map<string, Map<string, StoredModel>>();
  /** Providers whose list was fetched successfully at least once. */
  readonly #listed = new Set<string>();
  readonly #options: ModelRegistryOptions;

  constructor(options: ModelRegistryOptions) {
    this.#options = options;
  }

  /**
   * Fetches fresh lists for one provider or all. A provider that fails keeps its previous list;
   * its failure is in the result, not thrown.
   */
  async refresh(provider?: string): Promise<RefreshResult[]> {
    const names = provider === undefined ? this.#options.providers() : [provider];
    const results = await Promise.all(names.map((name) => this.#refreshOne(name)));
    if (results.some((result) => result.ok)) this.#changed();
    return results;
  }

  /** Whether `provider` was refreshed at least once (successfully), here or in a loaded cache. */
  hasListed(provider: string): boolean {
    return this.#listed.has(provider);
  }

  /** The provider's models from the cache; deprecated ones only with `includeDeprecated`. */
  list(provider: string, options: { includeDeprecated?: boolean } = {}): ModelInfo[] {
    const models = [...(this.#models.get(provider)?.values() ?? [])].map((stored) => this.#view(provider, stored.id, stored));
    const shown = options.includeDeprecated ? models : models.filter((model) => !model.deprecated);
    return shown.sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * What is known of one model: listed, marked, or only named by the lifecycle data.
   * Undefined when none of them knows it.
   */
  get(provider: string, model: string): ModelInfo | undefined {
    const stored = this.#models.get(provider)?.get(model);
    if (!stored && !this.#options.lifecycle?.(provider, model)) return undefined;
    return this.#view(provider, model, stored);
  }

  /** Whether the model is deprecated: marked by a refresh or a `not_found`, or by the lifecycle data. */
  isDeprecated(provider: string, model: string): boolean {
    return this.get(provider, model)?.deprecated ?? false;
  }

  /** Notes that `model` answered a validation request just now. */
  markValidated(provider: string, model: string): void {
    const info = this.#entry(provider, model);
    info.lastValidatedAt = this.#now();
    this.#clearNotFound(info);
    this.#changed();
  }

  /**
   * Marks a model deprecated because a call answered `not_found` (runtime evidence). The mark
   * holds until the model answers again ({@link markAnswered}, {@link markValidated}) or for
   * {@link NOT_FOUND_MARK_TTL_MS}, whichever comes first; a refresh that lists the model does not
   * clear it (lists may name models an account cannot call). It is not written to the cache
   * file: a 404 can also mean a wrong `base_url` or a passing rollout, and must not outlive the
   * process that saw it.
   */
  markNotFound(provider: string, model: string, reason: string): void {
    const info = this.#entry(provider, model);
    if (info.markedBy === 'not_found') return;
    info.deprecated = true;
    info.deprecatedAt = this.#now();
    info.deprecationReason = reason;
    info.markedBy = 'not_found';
    this.#changed();
  }

  /** Whether the model carries a `not_found` mark younger than {@link NOT_FOUND_MARK_TTL_MS}. */
  isMarkedNotFound(provider: string, model: string): boolean {
    const info = this.#models.get(provider)?.get(model);
    if (info?.markedBy !== 'not_found') return false;
    const markedAt = Date.parse(info.deprecatedAt ?? '');
    if ((this.#options.now?.() ?? new Date()).getTime() - markedAt < NOT_FOUND_MARK_TTL_MS) return true;
    // Expired: the model gets another try.
    this.#clearNotFound(info);
    return false;
  }

  /** Notes that a model answered a call: clears a `not_found` mark. */
  markAnswered(provider: string, model: string): void {
    const info = this.#models.get(provider)?.get(model);
    if (info && this.#clearNotFound(info)) this.#changed();
  }

  /** The registry's state, to persist (lifecycle data is not part of it: it is merged on read). */
  snapshot(): RegistrySnapshot {
    const providers: RegistrySnapshot['providers'] = {};
    for (const [provider, models] of this.#models) {
      providers[provider] = { listed: this.#listed.has(provider), models: [...models.values()].map(withoutNotFoundMark) };
    }
    for (const provider of this.#listed) providers[provider] ??= { listed: true, models: [] };
    return { version: 1, savedAt: this.#now(), providers };
  }

  /** Replaces the registry's state with a snapshot (validated by the caller). */
  restore(snapshot: RegistrySnapshot): void {
    this.#models.clear();
    this.#listed.clear();
    for (const [provider, entry] of Object.entries(snapshot.providers)) {
      if (entry.listed) this.#listed.add(provider);
      this.#models.set(provider, new Map(entry.models.map((model) => [model.id, { ...model, provider }])));
    }
  }

  #view(provider: string, model: string, stored: StoredModel | undefined): ModelInfo {
    const { markedBy: _markedBy, listedLegacy, ...info }: StoredModel = stored ? { ...stored } : { id: model, provider, deprecated: false };
    if (listedLegacy) {
      if (listedLegacy.retiresAt !== undefined) info.retiresAt = listedLegacy.retiresAt;
      // A mark of the registry's own (unlisted, not_found) says more: it keeps its reason.
      if (!info.deprecated) {
        info.deprecated = true;
        info.deprecatedAt = listedLegacy.since;
        info.deprecationReason = listedLegacy.reason;
      }
    }
    const entry = this.#options.lifecycle?.(provider, model);
    if (!entry) return info;
    const status = lifecycleStatus(entry, this.#options.now?.() ?? new Date());
    if (entry.retiresAt !== undefined) info.retiresAt = entry.retiresAt;
    if (entry.replacement !== undefined) info.replacement = entry.replacement;
    if (status.deprecated) {
      info.deprecated = true;
      if (entry.deprecatedAt !== undefined) info.deprecatedAt = entry.deprecatedAt;
      info.deprecationReason ??= status.retired ? `retired on ${entry.retiresAt}` : 'announced deprecated by the provider';
    }
    return info;
  }

  #clearNotFound(info: StoredModel): boolean {
    if (info.markedBy !== 'not_found') return false;
    info.deprecated = false;
    delete info.deprecatedAt;
    delete info.deprecationReason;
    delete info.markedBy;
    return true;
  }

  #entry(provider: string, model: string): StoredModel {
    let models = this.#models.get(provider);
    if (!models) {
      models = new Map();
      this.#models.set(provider, models);
    }
    let info = models.get(model);
    if (!info) {
      info = { id: model, provider, deprecated: false };
      models.set(model, info);
    }
    return info;
  }

  async #refreshOne(provider: string): Promise<RefreshResult> {
    const listings = new Map<string, ProviderModelListing>();
    try {
      for (const item of await this.#options.listModels(provider)) {
        const listing = typeof item === 'string' ? { id: item } : item;
        if (!listings.has(listing.id)) listings.set(listing.id, listing);
      }
    } catch (error) {
      return { provider, ok: false, added: [], deprecated: [], legacy: [], error };
    }
    this.#listed.add(provider);
    const now = this.#now();
    const known = this.#models.get(provider) ?? new Map<string, StoredModel>();
    this.#models.set(provider, known);
    const listed = new Set(listings.keys());
    const added: string[] = [];
    const deprecated: string[] = [];
    const legacy: string[] = [];
    for (const [id, listing] of listings) {
      let info = known.get(id);
      if (!info) {
        added.push(id);
        info = { id, provider, deprecated: false, lastSeenAt: now };
        known.set(id, info);
      } else {
        if (info.lastSeenAt === undefined) added.push(id);
        info.lastSeenAt = now;
        // Listed again: a mark from an earlier refresh no longer holds.
        if (info.markedBy === 'refresh') {
          info.deprecated = false;
          delete info.deprecatedAt;
          delete info.deprecationReason;
          delete info.markedBy;
        }
      }
      if (readListedLifecycle(info, listing, now)) legacy.push(id);
    }
    for (const info of known.values()) {
      if (!listed.has(info.id) && !info.deprecated && info.lastSeenAt !== undefined) {
        info.deprecated = true;
        info.deprecatedAt = now;
        info.deprecationReason = 'no longer listed by the provider';
        info.markedBy = 'refresh';
        deprecated.push(info.id);
      }
    }
    return { provider, ok: true, added, deprecated, legacy };
  }

  #changed(): void {
    this.#options.onChange?.();
  }

  #now(): string {
    return (this.#options.now?.() ?? new Date()).toISOString();
  }
}
