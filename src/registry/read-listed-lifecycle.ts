import type { ProviderModelListing } from '../spec/provider-model-listing.js';
import type { StoredModel } from './registry-snapshot.js';

/**
 * Records what a listing says of a model's lifecycle on its stored entry; true when the
 * listing calls it legacy for the first time. Active (or nothing said) lifts an earlier legacy.
 */
export function readListedLifecycle(info: StoredModel, listing: ProviderModelListing, now: string): boolean {
  if (listing.lifecycle !== 'legacy') {
    delete info.listedLegacy;
    return false;
  }
  const first = info.listedLegacy === undefined;
  info.listedLegacy = {
    reason: listing.lifecycleReason ?? 'listed as legacy by the provider',
    since: listing.legacySince ?? info.listedLegacy?.since ?? now,
    ...(listing.retiresAt !== undefined ? { retiresAt: listing.retiresAt } : {}),
  };
  return first;
}
