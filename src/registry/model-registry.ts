import type { ModelInfo } from './model-info.js';

/** The outcome of refreshing one provider's model list. */
export interface RefreshResult {
  provider: string;
  ok: boolean;
  /** Ids listed for the first time. */
  added: string[];
  /** Ids seen before and missing now, marked deprecated. */
  deprecated: string[];
  error?: unknown;
}

/** Where the registry gets model lists from. */
export interface ModelRegistryOptions {
  /** The provider entry names a refresh without argument covers. */
  providers: () => string[];
  /** Base model ids a provider serves now. */
  listModels: (provider: string) => Promise<string[]>;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * Discovered models per provider. A model that a refresh no longer lists is marked
 * deprecated, never removed. Reads (`list`, `get`, `isDeprecated`) are synchronous over the
 * cache; `refresh` is the only call that reaches the providers, and only when asked.
 */
export class ModelRegistry {
  readonly #models = new Map<string, Map<string, ModelInfo>>();
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
    return Promise.all(names.map((name) => this.#refreshOne(name)));
  }

  /** Whether `provider` was refreshed at least once (successfully). */
  hasListed(provider: string): boolean {
    return this.#listed.has(provider);
  }

  /** The provider's models from the cache; deprecated ones only with `includeDeprecated`. */
  list(provider: string, options: { includeDeprecated?: boolean } = {}): ModelInfo[] {
    const models = [...(this.#models.get(provider)?.values() ?? [])];
    const shown = options.includeDeprecated ? models : models.filter((model) => !model.deprecated);
    return shown.map((model) => ({ ...model })).sort((a, b) => a.id.localeCompare(b.id));
  }

  get(provider: string, model: string): ModelInfo | undefined {
    const info = this.#models.get(provider)?.get(model);
    return info ? { ...info } : undefined;
  }

  isDeprecated(provider: string, model: string): boolean {
    return this.#models.get(provider)?.get(model)?.deprecated ?? false;
  }

  /** Notes that `model` answered a validation request just now. */
  markValidated(provider: string, model: string): void {
    const info = this.#entry(provider, model);
    info.lastValidatedAt = this.#now();
  }

  #entry(provider: string, model: string): ModelInfo {
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
    let ids: string[];
    try {
      ids = await this.#options.listModels(provider);
    } catch (error) {
      return { provider, ok: false, added: [], deprecated: [], error };
    }
    this.#listed.add(provider);
    const now = this.#now();
    const known = this.#models.get(provider) ?? new Map<string, ModelInfo>();
    this.#models.set(provider, known);
    const listed = new Set(ids);
    const added: string[] = [];
    const deprecated: string[] = [];
    for (const id of listed) {
      const info = known.get(id);
      if (!info) {
        added.push(id);
        known.set(id, { id, provider, deprecated: false, lastSeenAt: now });
      } else {
        info.lastSeenAt = now;
        if (info.deprecated && info.retiresAt === undefined) {
          info.deprecated = false;
          delete info.deprecatedAt;
        }
      }
    }
    for (const info of known.values()) {
      if (!listed.has(info.id) && !info.deprecated && info.lastSeenAt !== undefined) {
        info.deprecated = true;
        info.deprecatedAt = now;
        deprecated.push(info.id);
      }
    }
    return { provider, ok: true, added, deprecated };
  }

  #now(): string {
    return (this.#options.now?.() ?? new Date()).toISOString();
  }
}
