import type { FoundationModelSummary } from '@aws-sdk/client-bedrock';

/**
 * Keeps the foundation models a Converse call can use: text output, invocable on demand or
 * through an inference profile (provisioned-only models need a provisioned-throughput ARN).
 * Returns their ids in the order listed, without duplicates.
 */
export function listBedrockTextModels(summaries: readonly FoundationModelSummary[]): string[] {
  const ids = new Set<string>();
  for (const summary of summaries) {
    if (summary.modelId === undefined) continue;
    if (!(summary.outputModalities ?? []).includes('TEXT')) continue;
    // INFERENCE_PROFILE is sent by the API though missing from the SDK's enum.
    const inferenceTypes = (summary.inferenceTypesSupported ?? []) as string[];
    if (!inferenceTypes.includes('ON_DEMAND') && !inferenceTypes.includes('INFERENCE_PROFILE')) continue;
    ids.add(summary.modelId);
  }
  return [...ids];
}
