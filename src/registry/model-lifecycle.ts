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

/** The UTC day number of the last {@link utcDate} call, and its date. */
let cachedDay = Number.NaN;
let cachedDate = '';

/** `now.toISOString().slice(0, 10)`, formatted once per UTC day (calls read it per attempt). */
function utcDate(now: Date): string {
  const day = Math.floor(now.getTime() / dayMs);
  if (day !== cachedDay) {
    // An invalid date throws here, as `toISOString()` does.
    cachedDate = new Date(now.getTime()).toISOString().slice(0, 10);
    cachedDay = day;
  }
  return cachedDate;
}

/** Each entry's retirement instant, parsed once. */
const retirementTimes = new WeakMap<LifecycleEntry, number>();

/** Reads an entry against `now` (dates are whole UTC days: a model retires at 00:00 UTC). */
export function lifecycleStatus(entry: LifecycleEntry, now: Date): LifecycleStatus {
  const today = utcDate(now);
  const retired = entry.retiresAt !== undefined && entry.retiresAt <= today;
  // A provider that names a retirement date has announced the deprecation, whether or not
  // its page gives the announcement's date.
  const deprecated = retired || entry.deprecatedAt === undefined || entry.deprecatedAt <= today;
  if (entry.retiresAt === undefined) return { deprecated, retired };
  let retiresAtTime = retirementTimes.get(entry);
  if (retiresAtTime === undefined) {
    retiresAtTime = Date.parse(`${entry.retiresAt}T00:00:00Z`);
    retirementTimes.set(entry, retiresAtTime);
  }
  const daysToRetirement = Math.ceil((retiresAtTime - now.getTime()) / dayMs);
  return { deprecated, retired, daysToRetirement };
}

/**
 * The lifecycle entries in force. A config entry names a provider entry (that entry only) or a
 * provider type (every entry of that type); the entry name wins. A shipped entry applies by type
 * only (an entry named `anthropic` that is an OpenAI-compatible proxy is not Anthropic), and not
 * to entries that `usesProviderCatalogue` rules out (an `openai` entry on another vendor's server).
 */
export class ModelLifecycle {
  readonly #configured = new Map<string, LifecycleEntry>();
  readonly #shipped = new Map<string, LifecycleEntry>();
  /** {@link find}'s answers by provider entry, then model (`null`: none): asked for every attempt. */
  readonly #found = new Map<string, Map<string, LifecycleEntry | null>>();
  #foundCount = 0;

  constructor(
    shippedEntries: Iterable<LifecycleEntry>,
    configuredEntries: Iterable<LifecycleEntry>,
    private readonly providerType: (provider: string) => string,
    private readonly usesProviderCatalogue: (provider: string) => boolean = () => true,
  ) {
    for (const entry of shippedEntries) this.#shipped.set(key(entry.provider, entry.model), entry);
    for (const entry of configuredEntries) this.#configured.set(key(entry.provider, entry.model), entry);
  }

  /**
   * The entry for a provider entry's model, if any. A Bedrock inference-profile id
   * (`us.anthropic.claude-...`) without an entry of its own takes its base model's entry: the
   * profile only routes to that model, and stops answering when it retires.
   */
  find(provider: string, model: string): LifecycleEntry | undefined {
    let byModel = this.#found.get(provider);
    const known = byModel?.get(model);
    if (known !== undefined) return known ?? undefined;
    const entry = this.#lookUp(provider, model);
    // Model ids a request names are user input: past this many, the memo starts over.
    if (this.#foundCount >= MAX_REMEMBERED) {
      this.#found.clear();
      this.#foundCount = 0;
      byModel = undefined;
    }
    if (byModel === undefined) {
      byModel = new Map();
      this.#found.set(provider, byModel);
    }
    byModel.set(model, entry ?? null);
    this.#foundCount += 1;
    return entry;
  }

  #lookUp(provider: string, model: string): LifecycleEntry | undefined {
    const entry = this.#find(provider, model);
    if (entry || this.providerType(provider) !== 'bedrock' || !bedrockProfilePrefix.test(model)) return entry;
    return this.#find(provider, model.replace(bedrockProfilePrefix, ''));
  }

  #find(provider: string, model: string): LifecycleEntry | undefined {
    const type = this.providerType(provider);
    return (
      this.#configured.get(key(provider, model)) ??
      this.#configured.get(key(type, model)) ??
      (this.usesProviderCatalogue(provider) ? this.#shipped.get(key(type, model)) : undefined)
    );
  }
}

/** How many (entry, model) answers {@link ModelLifecycle.find} remembers. */
const MAX_REMEMBERED = 1000;

/** Bedrock's cross-region inference-profile prefixes (as `BedrockProvider.isInferenceProfileId` reads them). */
const bedrockProfilePrefix = /^(us|eu|apac|us-gov|ca|jp|au|global)\./;

function key(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}
