import type { FoundationModelSummary } from '@aws-sdk/client-bedrock';
import type { ProviderModelListing } from '../../spec/provider-model-listing.js';

/** The reason the registry shows for a model Bedrock's listing calls LEGACY. */
export const bedrockLegacyReason = 'Bedrock lists it as LEGACY';

/**
 * Keeps the foundation models a Converse call can use: text output, invocable on demand or
 * through an inference profile (provisioned-only models need a provisioned-throughput ARN).
 * Returns their ids in the order listed, without duplicates.
 */
export function listBedrockTextModels(summaries: readonly FoundationModelSummary[]): string[] {
  return listBedrockTextModelDetails(summaries).map((listing) => listing.id);
}

/**
 * The same models as {@link listBedrockTextModels}, each with its `modelLifecycle`: `LEGACY`
 * becomes `lifecycle: 'legacy'` with {@link bedrockLegacyReason} and, when Bedrock sends them,
 * the legacy and end-of-life dates (UTC days); `ACTIVE` becomes `active`; a summary without
 * the field (or with a status this version does not know) says nothing of the lifecycle.
 */
export function listBedrockTextModelDetails(summaries: readonly FoundationModelSummary[]): ProviderModelListing[] {
  const listings = new Map<string, ProviderModelListing>();
  for (const summary of summaries) {
    if (summary.modelId === undefined || listings.has(summary.modelId)) continue;
    if (!(summary.outputModalities ?? []).includes('TEXT')) continue;
    // INFERENCE_PROFILE is sent by the API though missing from the SDK's enum.
    const inferenceTypes = (summary.inferenceTypesSupported ?? []) as string[];
    if (!inferenceTypes.includes('ON_DEMAND') && !inferenceTypes.includes('INFERENCE_PROFILE')) continue;
    listings.set(summary.modelId, { id: summary.modelId, ...readLifecycle(summary.modelLifecycle) });
  }
  return [...listings.values()];
}

function readLifecycle(lifecycle: FoundationModelSummary['modelLifecycle']): Omit<ProviderModelListing, 'id'> {
  const status: string | undefined = lifecycle?.status;
  if (status === 'ACTIVE') return { lifecycle: 'active' };
  if (status !== 'LEGACY') return {};
  const legacySince = utcDay(lifecycle?.legacyTime);
  const retiresAt = utcDay(lifecycle?.endOfLifeTime);
  return {
    lifecycle: 'legacy',
    lifecycleReason: bedrockLegacyReason,
    ...(legacySince !== undefined ? { legacySince } : {}),
    ...(retiresAt !== undefined ? { retiresAt } : {}),
  };
}

/** A timestamp as the SDK parsed it, as a UTC day; undefined when missing or not a valid date. */
function utcDay(value: Date | undefined): string | undefined {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return undefined;
  return value.toISOString().slice(0, 10);
}
